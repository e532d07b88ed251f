/**
 * Query results as the checks read them: the Prometheus HTTP API format (which Loki shares for
 * metric queries) with string values already turned into numbers. The HTTP clients produce these;
 * the assessors in core/verify consume them.
 */
export type Labels = Readonly<Record<string, string>>;

export interface MetricPoint {
  readonly timestampMs: number;
  readonly value: number;
}

/** One element of an instant vector. */
export interface MetricSample extends MetricPoint {
  readonly labels: Labels;
}

/** One series of a range (matrix) result. */
export interface MetricSeries {
  readonly labels: Labels;
  readonly points: readonly MetricPoint[];
}

export interface LogEntry {
  /** Nanoseconds since the epoch, kept as a string: it does not fit a double. */
  readonly timestampNs: string;
  readonly line: string;
  /** Structured metadata, when Loki returns it. */
  readonly metadata?: Labels;
}

export interface LogStream {
  readonly labels: Labels;
  readonly entries: readonly LogEntry[];
}

export type QueryData =
  | { readonly resultType: 'vector'; readonly samples: readonly MetricSample[] }
  | { readonly resultType: 'matrix'; readonly series: readonly MetricSeries[] }
  | { readonly resultType: 'streams'; readonly streams: readonly LogStream[] }
  | { readonly resultType: 'scalar'; readonly point: MetricPoint }
  | { readonly resultType: 'string'; readonly timestampMs: number; readonly value: string };

/**
 * The newest value of each series, whether the query ran as instant (vector) or range (matrix).
 * A scalar becomes one sample without labels; log streams have no values and give none.
 */
export function latestSamples(data: QueryData): MetricSample[] {
  switch (data.resultType) {
    case 'vector':
      return [...data.samples];
    case 'scalar':
      return [{ labels: {}, ...data.point }];
    case 'matrix':
      return data.series.flatMap((series) => {
        const last = series.points.reduce<MetricPoint | undefined>(
          (newest, point) => (!newest || point.timestampMs >= newest.timestampMs ? point : newest),
          undefined,
        );
        return last ? [{ labels: series.labels, ...last }] : [];
      });
    case 'streams':
    case 'string':
      return [];
  }
}

/** Prometheus and Loki write sample values as strings, including "NaN", "+Inf" and "-Inf". */
export function parseSampleValue(text: string): number | null {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}
