import { stringify } from 'yaml';
import { InputInvalidError } from '../../core/errors';

/** One endpoint Prometheus should scrape; its labels become labels of every scraped series. */
export interface ScrapeTarget {
  /** host:port, normally 127.0.0.1:<port> of a simulated task. */
  address: string;
  metricsPath: string;
  labels: Record<string, string>;
}

/** The job of the task targets (as if Prometheus scraped them); targets may override it through their labels. */
export const SCRAPE_JOB = 'sandbox';
/** The job of the collector target itself, which carries no task's labels. */
export const COLLECTOR_JOB = 'sandbox-collector';
/** The path Prometheus scrapes on the collector. */
export const COLLECTOR_PATH = '/collect';

/** A Prometheus duration for whole milliseconds (`250ms`, `1s`). */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * prometheus.yml for the AMP stand-in: one static target, the collector (collector.ts), whose
 * answers carry every task's samples with their own `job` and `instance` (hence honor_labels).
 */
export function renderPrometheusConfig(options: {
  scrapeIntervalMs: number;
  collectorAddress: string;
}): string {
  const interval = duration(options.scrapeIntervalMs);
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: COLLECTOR_JOB,
        honor_labels: true,
        metrics_path: COLLECTOR_PATH,
        static_configs: [{ targets: [options.collectorAddress] }],
      },
    ],
  });
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ADDRESS = /^[a-zA-Z0-9.-]+:\d{1,5}$/;

/** Refuses targets Prometheus could not have scraped (address, path, label names). */
export function checkTargets(targets: readonly ScrapeTarget[]): void {
  targets.forEach((target, index) => {
    if (!ADDRESS.test(target.address)) {
      throw new InputInvalidError(
        `targets[${index}].address must be host:port (e.g. 127.0.0.1:9100), got ${JSON.stringify(target.address)}`,
      );
    }
    if (!target.metricsPath.startsWith('/')) {
      throw new InputInvalidError(
        `targets[${index}].metricsPath must start with "/", got ${JSON.stringify(target.metricsPath)}`,
      );
    }
    for (const name of Object.keys(target.labels)) {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) {
        throw new InputInvalidError(
          `targets[${index}].labels: ${JSON.stringify(name)} is not a usable label name (expected [a-zA-Z_][a-zA-Z0-9_]* without a leading "__")`,
        );
      }
    }
  });
}
