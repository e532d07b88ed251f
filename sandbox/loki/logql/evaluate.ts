import { compareLabels, formatLabels, type LabelSet } from '../labels';
import { lowerBound, type LokiStore } from '../store';
import type { CompareOp, Grouping, LogSelector, Query, SampleExpr, VectorOp } from './ast';
import { compare, ERROR_LABEL, PRESERVE_ERROR_LABEL, runPipeline } from './pipeline';
import { badQuery } from './query-error';

export type Direction = 'forward' | 'backward';

export interface StreamResult {
  readonly stream: LabelSet;
  readonly values: [string, string][];
}

export interface Sample {
  readonly labels: LabelSet;
  readonly value: number;
}

export interface MatrixSeries {
  readonly metric: LabelSet;
  readonly values: [number, string][];
}

/** Counters for the `stats.summary` block of Loki's responses. */
export interface QueryCounters {
  linesProcessed: number;
  bytesProcessed: number;
  entriesReturned: number;
}

export type RangeResult =
  | { readonly resultType: 'streams'; readonly result: StreamResult[]; readonly counters: QueryCounters }
  | { readonly resultType: 'matrix'; readonly result: MatrixSeries[]; readonly counters: QueryCounters };

export type InstantResult =
  | {
      readonly resultType: 'vector';
      readonly result: { metric: LabelSet; value: [number, string] }[];
      readonly counters: QueryCounters;
    }
  | { readonly resultType: 'scalar'; readonly result: [number, string]; readonly counters: QueryCounters };

/** Prometheus prints sample values with strconv.FormatFloat(v, 'f', -1, 64): never an exponent. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa = '', exponentText = '0'] = text.split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt =
    (mantissa.replace('-', '').indexOf('.') === -1
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/** Unix seconds as Loki prints sample timestamps (millisecond precision). */
function unixSeconds(tsNs: bigint): number {
  return Number(tsNs / 1_000_000n) / 1000;
}

function pipelineError(labels: LabelSet): Error {
  const type = labels[ERROR_LABEL] ?? '';
  return badQuery(
    `pipeline error: '${type}' for series: '${formatLabels(labels)}'.\n` +
      `Use a label filter to intentionally skip this error. (e.g | __error__!="${type}").\n` +
      'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
      'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n',
  );
}

interface Point {
  readonly tsNs: bigint;
  readonly bytes: number;
}

/** Index of the first point strictly after `tsNs` (binary search; points are sorted). */
function firstAfter(points: readonly Point[], tsNs: bigint): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as Point).tsNs <= tsNs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface PreparedSeries {
  readonly labels: LabelSet;
  readonly points: Point[];
}

/** Evaluates parsed LogQL against one tenant of a store. */
export class Evaluator {
  private readonly prepared = new Map<SampleExpr, Map<string, PreparedSeries>>();
  readonly counters: QueryCounters = { linesProcessed: 0, bytesProcessed: 0, entriesReturned: 0 };

  constructor(
    private readonly store: LokiStore,
    private readonly tenant: string,
  ) {}

  /** Entries in [start, end), newest first for `backward`, at most `limit` in all. */
  logs(
    selector: LogSelector,
    startNs: bigint,
    endNs: bigint,
    limit: number,
    direction: Direction,
  ): StreamResult[] {
    const picked: { key: string; labels: LabelSet; tsNs: bigint; line: string; order: number }[] = [];
    let order = 0;
    for (const stream of this.store.select(this.tenant, selector.matchers)) {
      for (let i = lowerBound(stream.entries, startNs); i < stream.entries.length; i++) {
        const [tsNs, line, metadata] = stream.entries[i] as (typeof stream.entries)[number];
        if (tsNs >= endNs) break;
        this.count(line);
        const processed = runPipeline(selector.stages, stream.labels, metadata, line);
        if (!processed) continue;
        picked.push({
          key: formatLabels(processed.labels),
          labels: processed.labels,
          tsNs,
          line,
          order: order++,
        });
      }
    }
    const sign = direction === 'forward' ? 1 : -1;
    picked.sort((a, b) => (a.tsNs === b.tsNs ? a.order - b.order : a.tsNs < b.tsNs ? -sign : sign));
    const byStream = new Map<string, StreamResult>();
    for (const entry of picked.slice(0, limit)) {
      let stream = byStream.get(entry.key);
      if (!stream) {
        stream = { stream: entry.labels, values: [] };
        byStream.set(entry.key, stream);
      }
      stream.values.push([entry.tsNs.toString(), entry.line]);
      this.counters.entriesReturned++;
    }
    return [...byStream.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, stream]) => stream);
  }

  /** Samples at each step start, start+step, ..., <= end. */
  matrix(expr: SampleExpr, startNs: bigint, endNs: bigint, stepNs: bigint): MatrixSeries[] {
    this.prepare(expr, startNs, endNs);
    const series = new Map<string, { metric: LabelSet; values: [number, string][] }>();
    for (let t = startNs; t <= endNs; t += stepNs) {
      const at = this.at(expr, t);
      const samples = typeof at === 'number' ? [{ labels: {}, value: at }] : at;
      for (const sample of samples) {
        const key = formatLabels(sample.labels);
        let s = series.get(key);
        if (!s) {
          s = { metric: sample.labels, values: [] };
          series.set(key, s);
        }
        s.values.push([unixSeconds(t), formatSampleValue(sample.value)]);
      }
    }
    return [...series.values()].sort((a, b) => compareLabels(a.metric, b.metric));
  }

  /** One evaluation at `timeNs`: a vector, or a scalar for a query that is only numbers. */
  instant(expr: SampleExpr, timeNs: bigint): Sample[] | number {
    this.prepare(expr, timeNs, timeNs);
    const at = this.at(expr, timeNs);
    return typeof at === 'number' ? at : [...at].sort((a, b) => compareLabels(a.labels, b.labels));
  }

  private count(line: string): void {
    this.counters.linesProcessed++;
    this.counters.bytesProcessed += Buffer.byteLength(line, 'utf8');
  }

  /** Runs each range node's pipeline once over every entry any step can see. */
  private prepare(expr: SampleExpr, startNs: bigint, endNs: bigint): void {
    switch (expr.kind) {
      case 'literal':
        return;
      case 'aggregate':
        return this.prepare(expr.inner, startNs, endNs);
      case 'binary':
        this.prepare(expr.left, startNs, endNs);
        return this.prepare(expr.right, startNs, endNs);
      case 'range': {
        const offset = BigInt(Math.round(expr.offsetNs));
        const from = startNs - offset - BigInt(Math.round(expr.rangeNs));
        const to = endNs - offset;
        const out = new Map<string, PreparedSeries>();
        for (const stream of this.store.select(this.tenant, expr.selector.matchers)) {
          // Windows are (t - range, t]: the first entry that can count is just after `from`.
          for (let i = lowerBound(stream.entries, from + 1n); i < stream.entries.length; i++) {
            const [tsNs, line, metadata] = stream.entries[i] as (typeof stream.entries)[number];
            if (tsNs > to) break;
            this.count(line);
            const processed = runPipeline(expr.selector.stages, stream.labels, metadata, line, {
              preserveErrors: expr.preserveErrors,
            });
            if (!processed) continue;
            const key = formatLabels(processed.labels);
            let series = out.get(key);
            if (!series) {
              series = { labels: processed.labels, points: [] };
              out.set(key, series);
            }
            series.points.push({ tsNs, bytes: Buffer.byteLength(line, 'utf8') });
          }
        }
        for (const series of out.values())
          series.points.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
        this.prepared.set(expr, out);
        return;
      }
    }
  }

  private at(expr: SampleExpr, t: bigint): Sample[] | number {
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'range':
        return this.rangeAt(expr, t);
      case 'aggregate': {
        const inner = this.at(expr.inner, t);
        if (typeof inner === 'number')
          throw badQuery(`parse error : ${expr.op} expects a vector, got a scalar`);
        return aggregate(expr.op, expr.grouping, inner);
      }
      case 'binary':
        return binary(expr.op, expr.returnBool, this.at(expr.left, t), this.at(expr.right, t));
    }
  }

  private rangeAt(expr: Extract<SampleExpr, { kind: 'range' }>, t: bigint): Sample[] {
    const prepared = this.prepared.get(expr) ?? new Map<string, PreparedSeries>();
    const end = t - BigInt(Math.round(expr.offsetNs));
    const start = end - BigInt(Math.round(expr.rangeNs));
    const rangeSeconds = expr.rangeNs / 1e9;
    const out: Sample[] = [];
    for (const series of prepared.values()) {
      let count = 0;
      let bytes = 0;
      for (let i = firstAfter(series.points, start); i < series.points.length; i++) {
        const point = series.points[i] as Point;
        if (point.tsNs > end) break;
        count++;
        bytes += point.bytes;
      }
      if (count === 0) continue;
      // Errors are not allowed in metrics unless a label filter removed them (Loki's rule).
      if (series.labels[ERROR_LABEL] !== undefined && series.labels[PRESERVE_ERROR_LABEL] !== 'true') {
        throw pipelineError(series.labels);
      }
      const value =
        expr.op === 'count_over_time'
          ? count
          : expr.op === 'rate'
            ? count / rangeSeconds
            : expr.op === 'bytes_over_time'
              ? bytes
              : bytes / rangeSeconds;
      out.push({ labels: series.labels, value });
    }
    return out;
  }
}

function groupLabels(labels: LabelSet, grouping: Grouping | null): LabelSet {
  const out: Record<string, string> = {};
  if (grouping === null) return out;
  for (const name of Object.keys(labels).sort()) {
    const keep = grouping.without ? !grouping.labels.includes(name) : grouping.labels.includes(name);
    if (keep) out[name] = labels[name] as string;
  }
  return out;
}

function aggregate(op: VectorOp, grouping: Grouping | null, samples: readonly Sample[]): Sample[] {
  const groups = new Map<string, { labels: LabelSet; values: number[] }>();
  for (const sample of samples) {
    const labels = groupLabels(sample.labels, grouping);
    const key = formatLabels(labels);
    let group = groups.get(key);
    if (!group) {
      group = { labels, values: [] };
      groups.set(key, group);
    }
    group.values.push(sample.value);
  }
  return [...groups.values()].map(({ labels, values }) => {
    switch (op) {
      case 'sum':
        return { labels, value: values.reduce((a, b) => a + b, 0) };
      case 'count':
        return { labels, value: values.length };
      case 'max':
        return { labels, value: values.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a)) };
      case 'min':
        return { labels, value: values.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a)) };
      case 'avg':
        return { labels, value: values.reduce((a, b) => a + b, 0) / values.length };
    }
  });
}

const COMPARISONS: ReadonlySet<string> = new Set(['>', '>=', '<', '<=', '==', '!=']);

function apply(op: string, a: number, b: number): number | boolean {
  if (COMPARISONS.has(op)) return compare(op as CompareOp, a, b);
  switch (op as '+' | '-' | '*' | '/' | '%' | '^') {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
  }
}

/** A binary operation where at least one side is a scalar (vector/vector is refused earlier). */
function binary(
  op: string,
  returnBool: boolean,
  left: Sample[] | number,
  right: Sample[] | number,
): Sample[] | number {
  const comparison = COMPARISONS.has(op);
  if (typeof left === 'number' && typeof right === 'number') {
    const r = apply(op, left, right);
    return typeof r === 'boolean' ? (r ? 1 : 0) : r;
  }
  const vectorOnLeft = typeof left !== 'number';
  const vector = (vectorOnLeft ? left : right) as Sample[];
  const scalar = (vectorOnLeft ? right : left) as number;
  const out: Sample[] = [];
  for (const sample of vector) {
    const r = vectorOnLeft ? apply(op, sample.value, scalar) : apply(op, scalar, sample.value);
    if (!comparison) out.push({ labels: sample.labels, value: r as number });
    else if (returnBool) out.push({ labels: sample.labels, value: r ? 1 : 0 });
    else if (r) out.push(sample);
  }
  return out;
}

/** Runs a parsed query the way `/query_range` does. */
export function evaluateRange(
  store: LokiStore,
  tenant: string,
  query: Query,
  params: { startNs: bigint; endNs: bigint; stepNs: bigint; limit: number; direction: Direction },
): RangeResult {
  const evaluator = new Evaluator(store, tenant);
  if (query.kind === 'log') {
    const result = evaluator.logs(
      query.selector,
      params.startNs,
      params.endNs,
      params.limit,
      params.direction,
    );
    return { resultType: 'streams', result, counters: evaluator.counters };
  }
  const result = evaluator.matrix(query.expr, params.startNs, params.endNs, params.stepNs);
  return { resultType: 'matrix', result, counters: evaluator.counters };
}

/** Runs a parsed query the way `/query` does: log queries are refused, as Loki refuses them. */
export function evaluateInstant(
  store: LokiStore,
  tenant: string,
  query: Query,
  timeNs: bigint,
): InstantResult {
  if (query.kind === 'log')
    throw badQuery(
      'log queries are not supported as an instant query type, please change your query to a range query type',
    );
  const evaluator = new Evaluator(store, tenant);
  const at = evaluator.instant(query.expr, timeNs);
  const ts = unixSeconds(timeNs);
  if (typeof at === 'number')
    return { resultType: 'scalar', result: [ts, formatSampleValue(at)], counters: evaluator.counters };
  return {
    resultType: 'vector',
    result: at.map((s) => ({ metric: s.labels, value: [ts, formatSampleValue(s.value)] })),
    counters: evaluator.counters,
  };
}
