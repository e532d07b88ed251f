import { stringify } from 'yaml';
import { InputInvalidError } from '../../core/errors';

/** One endpoint Prometheus should scrape; its labels become labels of every scraped series. */
export interface ScrapeTarget {
  /** host:port, normally 127.0.0.1:<port> of a simulated task. */
  address: string;
  metricsPath: string;
  /**
   * Its labels; `job` and `instance` here replace the defaults (SCRAPE_JOB and the address), as the
   * labels of a discovered target do.
   */
  labels: Record<string, string>;
  /**
   * Real milliseconds between two of its samples, as its collector's scrape config sets them; absent:
   * the sandbox's default interval. Whole milliseconds, at least MIN_SCRAPE_INTERVAL_MS.
   */
  scrapeIntervalMs?: number;
}

/** The job of the task targets (as if Prometheus scraped them); targets may override it through their labels. */
export const SCRAPE_JOB = 'sandbox';
/** The job of the collector target itself, which carries no task's labels. */
export const COLLECTOR_JOB = 'sandbox-collector';
/** The path Prometheus scrapes on the collector. */
export const COLLECTOR_PATH = '/collect';

/** The shortest interval a target may ask for: Prometheus scrapes the collector that often. */
export const MIN_SCRAPE_INTERVAL_MS = 50;
/** The file_sd file (beside prometheus.yml) that lists one collector path per target interval. */
export const INTERVALS_FILE = 'intervals.json';

/** The collector path serving the targets scraped every `intervalMs` real milliseconds. */
export function intervalPath(intervalMs: number): string {
  return `${COLLECTOR_PATH}/${intervalMs}`;
}

/** A Prometheus duration for whole milliseconds (`250ms`, `1s`). */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * prometheus.yml for the AMP stand-in: one static target, the collector (collector.ts), whose
 * answers carry every task's samples with their own `job` and `instance` (hence honor_labels), and
 * the collector again once per target interval, listed in INTERVALS_FILE (intervalGroups).
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
        file_sd_configs: [{ files: [INTERVALS_FILE] }],
      },
    ],
  });
}

/**
 * The file_sd groups of INTERVALS_FILE: per interval, the collector path of the targets scraped that
 * often, with `__scrape_interval__`/`__scrape_timeout__`, which Prometheus (2.30 and later, Debian's
 * 2.42 included) reads from a target's labels in place of the job's (scrape/target.go,
 * PopulateLabels and Target.intervalAndTimeout, prometheus/prometheus). `instance` tells the
 * collector's own `up` series of each path apart; the task series keep theirs (honor_labels).
 */
export function intervalGroups(
  collectorAddress: string,
  intervalsMs: Iterable<number>,
): { targets: string[]; labels: Record<string, string> }[] {
  return [...intervalsMs]
    .sort((a, b) => a - b)
    .map((ms) => ({
      targets: [collectorAddress],
      labels: {
        __metrics_path__: intervalPath(ms),
        __scrape_interval__: duration(ms),
        __scrape_timeout__: duration(ms),
        instance: `${collectorAddress}${intervalPath(ms)}`,
      },
    }));
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
    const interval = target.scrapeIntervalMs;
    if (interval !== undefined && !(Number.isInteger(interval) && interval >= MIN_SCRAPE_INTERVAL_MS)) {
      throw new InputInvalidError(
        `targets[${index}].scrapeIntervalMs must be a whole number of milliseconds >= ${MIN_SCRAPE_INTERVAL_MS}, got ${JSON.stringify(interval)}`,
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
