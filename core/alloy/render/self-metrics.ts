import { ALLOY_SELF_JOB, LABELS } from './names';
import { attr, block, raw, type BlockItem } from './writer';
import type { ScrapeSettings } from './target';

/**
 * Alloy's own metrics, shipped with the application's: prometheus.exporter.self serves what Alloy's
 * /metrics serves (grafana/alloy v1.18.1 internal/static/integrations/agent/agent.go: the default
 * Prometheus registry, which holds every component's metrics, the controller's and the Go process
 * collector's), so the loki.write and prometheus.remote_write counters, the component health gauge
 * and process_start_time_seconds of each sidecar reach AMP. They go through the same
 * prometheus.relabel as the application's series, so they carry the same service_name and task_id;
 * their job is ALLOY_SELF_JOB. Scraped as often as the application, so a soak sees them as soon as
 * it sees the application's series.
 */
export function selfMetricBlocks(scrape: ScrapeSettings): BlockItem[] {
  const exporter = block(
    'prometheus.exporter.self',
    LABELS.self,
    [],
    ["Alloy's own metrics: loki.write and remote_write counters, component health, process start."],
  );
  const scrapeSelf = block('prometheus.scrape', LABELS.self, [
    attr('targets', raw(`prometheus.exporter.self.${LABELS.self}.targets`)),
    attr('job_name', ALLOY_SELF_JOB),
    attr('scrape_interval', scrape.interval),
    attr('scrape_timeout', scrape.timeout),
    attr('forward_to', [raw(`prometheus.relabel.${LABELS.metrics}.receiver`)]),
  ]);
  return [exporter, scrapeSelf];
}
