import { parseBytes, parseDurationNs } from '../durations';
import { normaliseLabels, type LabelSet } from '../labels';
import type { CompareOp, LabelFilter, LineFilter, Stage } from './ast';
import { JSON_PARSER_ERROR, extractJson, extractLogfmt } from './parsers';

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
export const PRESERVE_ERROR_LABEL = '__preserve_error__';
const LABEL_FILTER_ERROR = 'LabelFilterErr';

/** What a pipeline made of one entry: its label set after parsing, or nothing when filtered out. */
export interface Processed {
  readonly labels: LabelSet;
  readonly line: string;
}

/** Loki's LabelsBuilder, reduced to what the supported stages need. */
class LabelsBuilder {
  readonly current: Record<string, string>;
  error = '';
  errorDetails = '';

  constructor(readonly base: LabelSet) {
    this.current = { ...base };
  }

  get(name: string): string | undefined {
    if (name === ERROR_LABEL) return this.error === '' ? undefined : this.error;
    if (name === ERROR_DETAILS_LABEL) return this.errorDetails === '' ? undefined : this.errorDetails;
    const value = this.current[name];
    return value === '' ? undefined : value;
  }

  setError(error: string, details: string): void {
    // The first error wins, as in Loki.
    if (this.error !== '') return;
    this.error = error;
    this.errorDetails = details;
  }

  result(): LabelSet {
    const all: Record<string, string> = { ...this.current };
    if (this.error !== '') {
      all[ERROR_LABEL] = this.error;
      if (this.errorDetails !== '') all[ERROR_DETAILS_LABEL] = this.errorDetails;
    }
    return normaliseLabels(all);
  }
}

function passesLine(filter: LineFilter, line: string): boolean {
  switch (filter.op) {
    case '|=':
      return filter.values.some((v) => line.includes(v));
    case '!=':
      return !filter.values.some((v) => line.includes(v));
    case '|~':
      return filter.regexes.some((re) => re.test(line));
    case '!~':
      return !filter.regexes.some((re) => re.test(line));
  }
}

/** LogQL's comparison operators, shared by label filters and metric expressions. */
export function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** Go's strconv.ParseFloat accepts a little more than Number(); close enough for label values. */
function parseFloatStrict(text: string): number | null {
  if (
    !/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|[iI]nf(inity)?|NaN)$/.test(text)
  )
    return null;
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}

function passesLabels(filter: LabelFilter, lbs: LabelsBuilder): boolean {
  switch (filter.kind) {
    case 'and':
      return passesLabels(filter.left, lbs) && passesLabels(filter.right, lbs);
    case 'or':
      return passesLabels(filter.left, lbs) || passesLabels(filter.right, lbs);
    case 'match':
      return filter.matcher.matches(lbs.get(filter.matcher.name) ?? '');
    case 'number':
    case 'duration':
    case 'bytes': {
      // Loki: once a line carries an error, only string matchers can filter it out.
      if (lbs.error !== '') return true;
      const raw = lbs.get(filter.name);
      if (raw === undefined) return false;
      let value: number | null;
      let wanted: number;
      if (filter.kind === 'number') {
        value = parseFloatStrict(raw);
        wanted = filter.value;
      } else if (filter.kind === 'duration') {
        const ns = parseDurationNs(raw);
        value = ns === null ? null : ns / 1e9;
        wanted = filter.seconds;
      } else {
        value = parseBytes(raw);
        wanted = filter.bytes;
      }
      if (value === null) {
        lbs.setError(
          LABEL_FILTER_ERROR,
          `cannot convert ${JSON.stringify(raw)} for label filter on ${filter.name}`,
        );
        return true;
      }
      return compare(filter.op, value, wanted);
    }
  }
}

/** Runs the stages over one entry. `base` is the stream's labels (plus structured metadata). */
export function runPipeline(
  stages: readonly Stage[],
  streamLabels: LabelSet,
  metadata: LabelSet | undefined,
  line: string,
  options: { preserveErrors?: boolean } = {},
): Processed | null {
  const lbs = new LabelsBuilder(metadata ? { ...streamLabels, ...metadata } : streamLabels);
  const isBase = (name: string): boolean => streamLabels[name] !== undefined;
  const set = (name: string, value: string): void => {
    lbs.current[name] = value;
  };
  for (const stage of stages) {
    switch (stage.kind) {
      case 'line':
        if (!passesLine(stage.filter, line)) return null;
        break;
      case 'json': {
        const problem = extractJson(line, isBase, set);
        if (problem !== null) {
          lbs.setError(JSON_PARSER_ERROR, problem);
          if (options.preserveErrors) set(PRESERVE_ERROR_LABEL, 'true');
        }
        break;
      }
      case 'logfmt':
        extractLogfmt(line, isBase, set);
        break;
      case 'labels':
        if (!passesLabels(stage.filter, lbs)) return null;
        break;
    }
  }
  return { labels: lbs.result(), line };
}
