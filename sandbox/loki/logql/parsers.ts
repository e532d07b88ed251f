/**
 * The `| json` and `| logfmt` stages with Loki's naming rules: keys sanitised to label names,
 * nested JSON keys joined with `_`, arrays and nulls skipped, and `_extracted` appended when a
 * key collides with a stream label.
 */
export const JSON_PARSER_ERROR = 'JSONParserErr';

/** Loki's sanitizeLabelKey: anything but [a-zA-Z0-9_] becomes `_`; a leading digit gets `_`. */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  const trimmed = key.trim();
  if (trimmed === '') return '';
  const prefixed = isPrefix && /^[0-9]/.test(trimmed) ? `_${trimmed}` : trimmed;
  return prefixed.replace(/[^a-zA-Z0-9_]/g, '_');
}

export type SetLabel = (name: string, value: string) => void;

/** Keeps a number's source text (`1.0` stays `1.0`, as Loki copies the raw bytes). */
class RawNumber {
  constructor(readonly text: string) {}
}

interface ReviverContext {
  source?: string;
}

function parseKeepingNumbers(line: string): unknown {
  return JSON.parse(line, (_key, value: unknown, context?: ReviverContext) =>
    typeof value === 'number' ? new RawNumber(context?.source ?? String(value)) : value,
  );
}

/**
 * Returns null on success, else the error detail Loki would put in `__error_details__`
 * (the texts of the jsonparser library Loki uses).
 */
export function extractJson(
  line: string,
  isBaseLabel: (name: string) => boolean,
  set: SetLabel,
): string | null {
  if (!line.trimStart().startsWith('{')) return "Value looks like object, but can't find closing '}' symbol";
  let parsed: unknown;
  try {
    parsed = parseKeepingNumbers(line);
  } catch {
    return 'Malformed JSON error';
  }
  const walk = (object: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix === '' ? sanitizeLabelKey(key, true) : `${prefix}_${sanitizeLabelKey(key, false)}`;
      if (value instanceof RawNumber) {
        assign(name, value.text);
      } else if (typeof value === 'string') {
        assign(name, value.includes('\uFFFD') ? '' : value);
      } else if (typeof value === 'boolean') {
        assign(name, value ? 'true' : 'false');
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, name);
      }
      // Arrays and nulls are not extracted by Loki's json parser.
    }
  };
  const assign = (name: string, value: string): void => {
    if (name === '') return;
    set(isBaseLabel(name) ? `${name}_extracted` : name, value);
  };
  walk(parsed as Record<string, unknown>, '');
  return null;
}

/** go-logfmt in Loki's default (non-strict) mode: malformed pairs are skipped, never an error. */
export function extractLogfmt(line: string, isBaseLabel: (name: string) => boolean, set: SetLabel): void {
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] !== undefined && /\s/.test(line[i] as string)) i++;
    const keyStart = i;
    while (i < n && line[i] !== '=' && !/\s/.test(line[i] as string) && line[i] !== '"') i++;
    const key = line.slice(keyStart, i);
    if (key === '') {
      // Garbage such as a stray quote or `=`: skip to the next whitespace.
      while (i < n && !/\s/.test(line[i] as string)) i++;
      continue;
    }
    if (line[i] !== '=') continue; // a standalone key: dropped without --keep-empty
    i++;
    let value: string;
    if (line[i] === '"') {
      let j = i + 1;
      let raw = '';
      let closed = false;
      while (j < n) {
        const c = line[j] as string;
        if (c === '\\' && j + 1 < n) {
          raw += c + (line[j + 1] as string);
          j += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          break;
        }
        raw += c;
        j++;
      }
      if (!closed) return;
      try {
        value = JSON.parse(`"${raw}"`) as string;
      } catch {
        value = raw;
      }
      i = j + 1;
    } else {
      const valueStart = i;
      while (i < n && !/\s/.test(line[i] as string)) i++;
      value = line.slice(valueStart, i);
    }
    const name = sanitizeLabelKey(key, true);
    if (name === '') continue;
    set(isBaseLabel(name) ? `${name}_extracted` : name, value.includes('\uFFFD') ? '' : value);
  }
}
