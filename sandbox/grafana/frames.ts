import type { MatrixSeries, StreamResult } from '../loki/logql/evaluate';

/**
 * Query results as Grafana's query API returns them: data frames, column-major
 * (`{"schema": {"refId", "fields": [...]}, "data": {"values": [[...], ...]}}`; grafana-plugin-sdk-go
 * data/frame_json.go). A Loki log query is one frame of fields labels, Time, Line, tsNs, labelTypes,
 * id (grafana/grafana pkg/tsdb/loki/frame.go, public/app/plugins/datasource/loki/types.ts); a
 * metric query (Loki or Prometheus) is one frame per series of Time and Value, the series' labels
 * on the Value field.
 */
export interface Frame {
  readonly schema: {
    readonly refId: string;
    readonly name?: string;
    readonly meta?: Record<string, unknown>;
    readonly fields: readonly Record<string, unknown>[];
  };
  readonly data: { readonly values: readonly unknown[][] };
}

const TIME_FIELD = { name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } };

export function logsFrame(refId: string, streams: readonly StreamResult[]): Frame {
  const rows = streams
    .flatMap((s) => s.values.map(([ns, line]) => ({ labels: s.stream, ns, line })))
    .sort((a, b) => (BigInt(b.ns) > BigInt(a.ns) ? 1 : BigInt(b.ns) < BigInt(a.ns) ? -1 : 0));
  return {
    schema: {
      refId,
      meta: { type: 'log-lines', typeVersion: [0, 0], custom: { frameType: 'LabeledTimeValues' } },
      fields: [
        { name: 'labels', type: 'other', typeInfo: { frame: 'json.RawMessage' } },
        TIME_FIELD,
        { name: 'Line', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'tsNs', type: 'string', typeInfo: { frame: 'string' } },
        { name: 'labelTypes', type: 'other', typeInfo: { frame: 'json.RawMessage', nullable: true } },
        { name: 'id', type: 'string', typeInfo: { frame: 'string' } },
      ],
    },
    data: {
      values: [
        rows.map((r) => r.labels),
        rows.map((r) => Number(BigInt(r.ns) / 1_000_000n)),
        rows.map((r) => r.line),
        rows.map((r) => r.ns),
        rows.map((r) => Object.fromEntries(Object.keys(r.labels).map((k) => [k, 'I']))),
        rows.map((r, i) => `${r.ns}_${i}`),
      ],
    },
  };
}

/** One frame per series; timestamps in seconds (Loki and Prometheus) become milliseconds. */
export function seriesFrames(refId: string, series: readonly MatrixSeries[]): Frame[] {
  return series.map((s) => ({
    schema: {
      refId,
      meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
      fields: [
        TIME_FIELD,
        { name: 'Value', type: 'number', typeInfo: { frame: 'float64' }, labels: { ...s.metric } },
      ],
    },
    data: {
      values: [s.values.map(([t]) => Math.round(t * 1000)), s.values.map(([, v]) => Number(v))],
    },
  }));
}
