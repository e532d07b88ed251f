/**
 * The Prometheus text exposition format, as far as the collector needs it: samples read from a
 * target's answer and written back with more labels.
 */
export interface ExposedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The value as written (Prometheus parses `NaN`, `+Inf` and friends itself). */
  readonly value: string;
  /** An explicit timestamp in ms, when the line has one. */
  readonly timestamp?: string;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Reads `{a="x",b="y"}` from `text` at `at`; returns the labels and the index after `}`. */
function readLabels(text: string, at: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = at + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i));
    if (!name) return null;
    i += name[0].length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') return null;
    i += 2;
    let value = '';
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== '\\') value += text[i];
      else {
        i++;
        value += text[i] === 'n' ? '\n' : (text[i] ?? '');
      }
    }
    if (text[i] !== '"') return null;
    labels[name[0]] = value;
    i++;
  }
}

/** Every sample of an exposition; comments, blank and unreadable lines are skipped. */
export function parseExposition(text: string): ExposedSample[] {
  const samples: ExposedSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line);
    if (!name) continue;
    let rest = line.slice(name[0].length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const read = readLabels(rest, 0);
      if (!read) continue;
      labels = read.labels;
      rest = rest.slice(read.end);
    }
    const [value, timestamp] = rest.trim().split(/\s+/);
    if (!value) continue;
    samples.push({ name: name[0], labels, value, ...(timestamp ? { timestamp } : {}) });
  }
  return samples;
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** One exposition line. */
export function renderSample(sample: ExposedSample): string {
  const labels = Object.entries(sample.labels)
    .map(([k, v]) => `${k}="${escapeValue(v)}"`)
    .join(',');
  const stamp = sample.timestamp ? ` ${sample.timestamp}` : '';
  return `${sample.name}${labels ? `{${labels}}` : ''} ${sample.value}${stamp}`;
}

/**
 * The labels Prometheus gives a scraped sample: the target's labels, and the sample's own where
 * they do not clash (a clashing one is kept as `exported_<name>`, as without honor_labels).
 */
export function withTargetLabels(
  exposed: Readonly<Record<string, string>>,
  target: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(exposed)) {
    if (name in target) out[`exported_${name}`] = value;
    else out[name] = value;
  }
  return { ...out, ...target };
}
