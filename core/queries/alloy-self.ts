import { ALLOY_SELF_JOB } from '../alloy/render/names';
import { quoteString, selector } from './escape';
import { LABELS } from './labels';

/**
 * Alloy's own metrics the `alloy-health` check reads, with the names of the pinned release
 * (grafana/alloy v1.18.1). Each sidecar exports them through prometheus.exporter.self
 * (core/alloy/render/self-metrics.ts) with the service's service_name and task_id.
 */
export const ALLOY_SELF_METRICS = {
  /**
   * loki.write: entries dropped after all retries, by `reason` (ingester_error, rate_limited,
   * stream_limited, line_too_long, queue_is_full), and entries sent.
   * Source: internal/component/common/loki/client/metrics.go (newMetrics).
   */
  lokiDroppedEntries: 'loki_write_dropped_entries_total',
  lokiSentEntries: 'loki_write_sent_entries_total',
  /**
   * prometheus.remote_write: samples that failed with a non-recoverable error (an HTTP 4xx from
   * AMP), samples dropped before sending, and samples sent.
   * Source: docs/sources/reference/components/prometheus/prometheus.remote_write.md "Debug metrics"
   * (the queue manager of prometheus/prometheus v0.312.0, storage/remote/queue_manager.go).
   */
  remoteWriteFailedSamples: 'prometheus_remote_storage_samples_failed_total',
  remoteWriteDroppedSamples: 'prometheus_remote_storage_samples_dropped_total',
  remoteWriteSentSamples: 'prometheus_remote_storage_samples_total',
  /**
   * Components by `health_type` (healthy, unhealthy, unknown, exited).
   * Source: internal/runtime/internal/controller/metrics.go (newControllerCollector) and
   * internal/component/component_health.go (HealthType.String).
   */
  runningComponents: 'alloy_component_controller_running_components',
  /**
   * When the Alloy process started, in Unix seconds: client_golang's process collector, which
   * the default registry served by prometheus.exporter.self holds
   * (internal/static/integrations/agent/agent.go: promhttp.Handler()).
   */
  processStart: 'process_start_time_seconds',
} as const;

/** Component health values that mean a component is not doing its work. */
export const UNHEALTHY_COMPONENT_STATES = ['unhealthy', 'exited'] as const;

/**
 * Every self-metric series the check reads of the service's sidecars, in one instant query: the
 * raw series (one per task, and per endpoint, reason or health type), summed per task in core.
 * Instant values suffice: a sidecar's counters start at 0 with its process, and a task of the new
 * deployment started within the check's window, so a counter above 0 grew during the window; a
 * restart, which would reset them, is judged on its own (process start time, container state).
 */
export function alloySelfMetrics(service: string): string {
  const names = Object.values(ALLOY_SELF_METRICS).join('|');
  const scope = selector({ [LABELS.service]: service, job: ALLOY_SELF_JOB }).slice(1);
  return `{__name__=~${quoteString(names)},${scope}`;
}
