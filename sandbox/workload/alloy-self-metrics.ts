/**
 * What a simulated Alloy exposes about itself through prometheus.exporter.self, with the metric
 * names and labels of grafana/alloy v1.18.1 (the ones core/queries/alloy-self.ts reads):
 * - loki_write_sent_entries_total{host,tenant} and loki_write_dropped_entries_total{host,tenant,
 *   reason}: internal/component/common/loki/client/metrics.go; every reason is exported from the
 *   start (countersWithHostTenantReason), at 0 until an entry is dropped for it;
 * - prometheus_remote_storage_samples_total / _samples_failed_total / _samples_dropped_total
 *   {remote_name,url}: docs/sources/reference/components/prometheus/prometheus.remote_write.md;
 * - alloy_component_controller_running_components{controller_path,controller_id,health_type}:
 *   internal/runtime/internal/controller/metrics.go;
 * - process_start_time_seconds: client_golang's process collector.
 * Alloy adds component_id to a component's own metrics; the check sums over it, so it is kept here
 * only as Alloy writes it.
 */

/** loki.write's drop reasons (metrics.go `reasons`). */
const DROP_REASONS = [
  'ingester_error',
  'rate_limited',
  'stream_limited',
  'line_too_long',
  'queue_is_full',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** The counters of one Alloy process: they start at 0 when it starts, and a restart resets them. */
export interface AlloySelfCounters {
  /** When the process started, simulated epoch ms. */
  readonly startedAtMs: number;
  sentEntries: number;
  readonly droppedEntries: Record<DropReason, number>;
  sentSamples: number;
  failedSamples: number;
  /** Components the rendered config declares, all healthy in the simulation. */
  readonly components: number;
}

export function freshCounters(startedAtMs: number, components: number): AlloySelfCounters {
  return {
    startedAtMs,
    sentEntries: 0,
    droppedEntries: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    sentSamples: 0,
    failedSamples: 0,
    components,
  };
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const labels = (l: Readonly<Record<string, string>>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',')}}`;

/** The text exposition of one Alloy's self-metrics; `lokiHost`/`remoteUrl` are where it writes. */
export function alloySelfMetricsText(
  c: AlloySelfCounters,
  where: { readonly lokiHost: string; readonly tenant: string; readonly remoteUrl: string },
): string {
  const loki = { component_id: 'loki.write.loki', host: where.lokiHost, tenant: where.tenant };
  const remote = { component_id: 'prometheus.remote_write.amp', remote_name: 'amp', url: where.remoteUrl };
  const controller = { controller_id: '', controller_path: '/' };
  const lines = [
    '# HELP loki_write_sent_entries_total Number of log entries sent to the ingester.',
    '# TYPE loki_write_sent_entries_total counter',
    `loki_write_sent_entries_total${labels(loki)} ${c.sentEntries}`,
    '# HELP loki_write_dropped_entries_total Number of log entries dropped because failed to be sent to the ingester after all retries.',
    '# TYPE loki_write_dropped_entries_total counter',
    ...DROP_REASONS.map(
      (reason) =>
        `loki_write_dropped_entries_total${labels({ ...loki, reason })} ${c.droppedEntries[reason]}`,
    ),
    '# HELP prometheus_remote_storage_samples_total Total number of samples sent to remote storage.',
    '# TYPE prometheus_remote_storage_samples_total counter',
    `prometheus_remote_storage_samples_total${labels(remote)} ${c.sentSamples}`,
    '# HELP prometheus_remote_storage_samples_failed_total Total number of samples which failed on send to remote storage, non-recoverable errors.',
    '# TYPE prometheus_remote_storage_samples_failed_total counter',
    `prometheus_remote_storage_samples_failed_total${labels(remote)} ${c.failedSamples}`,
    '# HELP prometheus_remote_storage_samples_dropped_total Total number of samples which were dropped after being read from the WAL before being sent via remote write.',
    '# TYPE prometheus_remote_storage_samples_dropped_total counter',
    `prometheus_remote_storage_samples_dropped_total${labels(remote)} 0`,
    '# HELP alloy_component_controller_running_components Total number of running components.',
    '# TYPE alloy_component_controller_running_components gauge',
    `alloy_component_controller_running_components${labels({ ...controller, health_type: 'healthy' })} ${c.components}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${(c.startedAtMs / 1000).toFixed(2)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The number of samples in a text exposition (every line that is not a comment or blank). */
export function sampleCount(text: string): number {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}
