import * as z from 'zod';
import { DependencyRejectedError } from '../../core/errors';
import { parseSampleValue, type MetricPoint, type QueryData } from '../../core/queries/results';

/**
 * The query response format Prometheus documents and Loki shares for its query endpoints:
 * `{"status":"success","data":{"resultType":...,"result":...}}`. Metric timestamps are float
 * seconds and values are strings; Loki log entries are `[<ns string>, <line>, <metadata>?]`.
 */
const labels = z.record(z.string(), z.string());
const rawPoint = z.tuple([z.number(), z.string()]);
const rawData = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: labels, value: rawPoint })),
  }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: labels, values: z.array(rawPoint) })),
  }),
  z.object({
    resultType: z.literal('streams'),
    result: z.array(
      z.object({
        stream: labels,
        values: z.array(
          z.union([
            z.tuple([z.string(), z.string()]),
            z.tuple([z.string(), z.string(), z.record(z.string(), z.unknown())]),
          ]),
        ),
      }),
    ),
  }),
  z.object({ resultType: z.literal('scalar'), result: rawPoint }),
  z.object({ resultType: z.literal('string'), result: z.tuple([z.number(), z.string()]) }),
]);

export type RawQueryData = z.infer<typeof rawData>;

export const rawQueryResponse = z.object({
  status: z.literal('success'),
  data: rawData,
  warnings: z.array(z.string()).optional(),
});
export const rawErrorResponse = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

/** `bad_data: parse error at ...` from a Prometheus error body; the plain text otherwise. */
export function describePrometheusError(text: string): string {
  try {
    const parsed = rawErrorResponse.safeParse(JSON.parse(text));
    if (parsed.success) return [parsed.data.errorType, parsed.data.error].filter(Boolean).join(': ');
  } catch {
    // Not JSON (a proxy page, Loki's plain text): the text itself is the best description.
  }
  return text;
}

function point(raw: readonly [number, string], where: string): MetricPoint {
  const value = parseSampleValue(raw[1]);
  if (value === null)
    throw new DependencyRejectedError(`${where}: sample value ${JSON.stringify(raw[1])} is not a number`);
  return { timestampMs: Math.round(raw[0] * 1000), value };
}

/** Checks the body against the documented format and turns string values into numbers. */
export function toQueryData(body: unknown, where: string): QueryData {
  const error = rawErrorResponse.safeParse(body);
  if (error.success) {
    throw new DependencyRejectedError(
      `${where} failed: ${[error.data.errorType, error.data.error].filter(Boolean).join(': ')}`,
      {
        errorType: error.data.errorType,
        error: error.data.error,
      },
    );
  }
  const parsed = rawQueryResponse.safeParse(body);
  if (!parsed.success) {
    throw new DependencyRejectedError(
      `${where} answered with an unexpected body: expected {"status":"success","data":{"resultType":...,"result":...}} (${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''})`,
    );
  }
  const data = parsed.data.data;
  switch (data.resultType) {
    case 'vector':
      return {
        resultType: 'vector',
        samples: data.result.map((r) => ({ labels: r.metric, ...point(r.value, where) })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        series: data.result.map((r) => ({ labels: r.metric, points: r.values.map((v) => point(v, where)) })),
      };
    case 'streams':
      return {
        resultType: 'streams',
        streams: data.result.map((r) => ({
          labels: r.stream,
          entries: r.values.map(([timestampNs, line, metadata]) => ({
            timestampNs,
            line,
            ...(metadata ? { metadata: stringRecord(metadata) } : {}),
          })),
        })),
      };
    case 'scalar':
      return { resultType: 'scalar', point: point(data.result, where) };
    case 'string':
      return { resultType: 'string', timestampMs: Math.round(data.result[0] * 1000), value: data.result[1] };
  }
}

// Loki returns structured metadata as strings; keep only those so the type stays honest.
function stringRecord(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** `/api/v1/series`: `{"status":"success","data":[{"__name__":"up","job":"x"}, ...]}`. */
const rawSeriesResponse = z.object({
  status: z.literal('success'),
  data: z.array(labels),
  warnings: z.array(z.string()).optional(),
});

/** Checks a series API body against the documented format; error bodies become rejections. */
export function toSeriesList(body: unknown, where: string): Record<string, string>[] {
  const error = rawErrorResponse.safeParse(body);
  if (error.success) {
    throw new DependencyRejectedError(
      `${where} failed: ${[error.data.errorType, error.data.error].filter(Boolean).join(': ')}`,
      { errorType: error.data.errorType, error: error.data.error },
    );
  }
  const parsed = rawSeriesResponse.safeParse(body);
  if (!parsed.success) {
    throw new DependencyRejectedError(
      `${where} answered with an unexpected body: expected {"status":"success","data":[{<label>:<value>,...},...]} (${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''})`,
    );
  }
  return parsed.data.data;
}
