/**
 * Label sets as Loki and Prometheus model them: names sorted, empty values meaning "absent",
 * and one canonical text form (`{a="1", b="2"}`) used as the identity of a stream or series.
 */
export type LabelSet = Readonly<Record<string, string>>;

/** Prometheus' label-name rule; Loki rejects pushes whose stream labels break it. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/** Sorted by name, empty values dropped: the same set always gives the same object shape. */
export function normaliseLabels(labels: LabelSet): LabelSet {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** Go's %q for label values, which is what Prometheus' labels.String() prints. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** `{a="1", b="2"}`: Prometheus' labels.String(), used in Loki's responses and error texts. */
export function formatLabels(labels: LabelSet): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((name) => `${name}=${quote(labels[name] ?? '')}`).join(', ')}}`;
}

/** Prometheus' labels.Compare: pairwise by name, then value; shorter set first on a tie. */
export function compareLabels(a: LabelSet, b: LabelSet): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const na = an[i] as string;
    const nb = bn[i] as string;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = a[na] as string;
    const vb = b[nb] as string;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return an.length - bn.length;
}
