/**
 * Grafana's query API answer (`POST /api/ds/query`), read defensively. The documented shape
 * (grafana/grafana docs/sources/developers/http_api/data_source.md, "Query a data source") is
 * `{"results": {"<refId>": {"status": 200, "frames": [{"schema": {"refId", "fields": [{"name",
 * "type", "labels"}]}, "data": {"values": [[...column...], ...]}}], "error"?: "..."}}}`: data frames
 * are column-major, one array per field. A Loki log query answers one frame whose fields are
 * `labels` (JSON objects), `Time` (ms), `Line`, `tsNs` (nanoseconds as strings), `labelTypes` and
 * `id` (grafana/grafana public/app/plugins/datasource/loki/types.ts, LokiFieldNames).
 */
export interface FrameField {
  readonly name: string;
  readonly type?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface GrafanaFrame {
  readonly name?: string;
  readonly fields: readonly FrameField[];
  /** Column-major values, one array per field. */
  readonly values: readonly (readonly unknown[])[];
}

export interface QueryAnswer {
  /** The per-query status Grafana reports (200 on success). */
  readonly status?: number;
  /** The datasource's error for this query, when it failed. */
  readonly error?: string;
  readonly frames: readonly GrafanaFrame[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function frameOf(value: unknown): GrafanaFrame | undefined {
  const frame = record(value);
  if (!frame) return undefined;
  const schema = record(frame['schema']) ?? {};
  const data = record(frame['data']) ?? {};
  const fields = (Array.isArray(schema['fields']) ? schema['fields'] : []).map((f) => {
    const field = record(f) ?? {};
    const labels = record(field['labels']);
    return {
      name: typeof field['name'] === 'string' ? field['name'] : '',
      ...(typeof field['type'] === 'string' ? { type: field['type'] } : {}),
      ...(labels ? { labels: labels as Record<string, string> } : {}),
    };
  });
  const values = (Array.isArray(data['values']) ? data['values'] : []).map((column) =>
    Array.isArray(column) ? (column as unknown[]) : [],
  );
  return { ...(typeof schema['name'] === 'string' ? { name: schema['name'] } : {}), fields, values };
}

/**
 * The answer for one refId, or a description of why the body has none (not the documented shape).
 */
export function readQueryAnswer(body: unknown, refId: string): QueryAnswer | { readonly problem: string } {
  const results = record(record(body)?.['results']);
  if (!results) return { problem: 'the body has no "results" object' };
  const result = record(results[refId]);
  if (!result) return { problem: `"results" has no entry for refId ${refId}` };
  const frames = (Array.isArray(result['frames']) ? result['frames'] : [])
    .map(frameOf)
    .filter((f): f is GrafanaFrame => f !== undefined);
  return {
    ...(typeof result['status'] === 'number' ? { status: result['status'] } : {}),
    ...(typeof result['error'] === 'string' && result['error'] !== '' ? { error: result['error'] } : {}),
    frames,
  };
}

/** Rows of a frame: the longest column (frames are rectangular; a missing column counts as empty). */
export function frameRows(frame: GrafanaFrame): number {
  return frame.values.reduce((n, column) => Math.max(n, column.length), 0);
}

/** Rows over every frame: zero means the query returned no data. */
export function answerRows(answer: QueryAnswer): number {
  return answer.frames.reduce((n, f) => n + frameRows(f), 0);
}

export interface FrameLogLine {
  readonly line: string;
  /** Nanoseconds as a string (the `tsNs` field), else the `Time` field's ms with six zeros. */
  readonly timestampNs: string | undefined;
  readonly labels: Readonly<Record<string, unknown>>;
}

/** The log lines of a Loki frame (fields `Line`, `tsNs`/`Time`, `labels`); none when it is not one. */
export function logLinesOf(frame: GrafanaFrame): FrameLogLine[] {
  const index = (name: string) => frame.fields.findIndex((f) => f.name === name);
  const line = index('Line');
  if (line < 0) return [];
  const tsNs = index('tsNs');
  const time = index('Time');
  const labels = index('labels');
  const rows = frameRows(frame);
  const out: FrameLogLine[] = [];
  for (let i = 0; i < rows; i++) {
    const text = frame.values[line]?.[i];
    if (typeof text !== 'string') continue;
    const ns = tsNs >= 0 ? frame.values[tsNs]?.[i] : undefined;
    const ms = time >= 0 ? frame.values[time]?.[i] : undefined;
    const labelValue = labels >= 0 ? frame.values[labels]?.[i] : undefined;
    out.push({
      line: text,
      timestampNs:
        typeof ns === 'string' ? ns : typeof ms === 'number' ? `${Math.trunc(ms)}000000` : undefined,
      labels: record(labelValue) ?? {},
    });
  }
  return out;
}
