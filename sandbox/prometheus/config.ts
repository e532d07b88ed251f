import { stringify } from 'yaml';
import { InputInvalidError } from '../../core/errors';

/** One endpoint Prometheus should scrape; its labels become labels of every scraped series. */
export interface ScrapeTarget {
  /** host:port, normally 127.0.0.1:<port> of a simulated task. */
  address: string;
  metricsPath: string;
  labels: Record<string, string>;
}

/** The name of the single scrape job; targets may override `job` through their labels. */
export const SCRAPE_JOB = 'sandbox';

/**
 * prometheus.yml for the AMP stand-in: one job fed by file-based discovery, so targets change
 * without a restart (Prometheus watches the file and re-reads it on every rename into place).
 */
export function renderPrometheusConfig(options: {
  scrapeIntervalSeconds: number;
  targetsFile: string;
}): string {
  const interval = `${options.scrapeIntervalSeconds}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: SCRAPE_JOB,
        file_sd_configs: [{ files: [options.targetsFile], refresh_interval: interval }],
      },
    ],
  });
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ADDRESS = /^[a-zA-Z0-9.-]+:\d{1,5}$/;

/**
 * The file_sd document: one target group per target, its path carried in `__metrics_path__`
 * (the label Prometheus reads the scrape path from), so each metrics path gets its own group.
 */
export function renderTargetsFile(targets: readonly ScrapeTarget[]): string {
  const groups = targets.map((target, index) => {
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
    return { targets: [target.address], labels: { ...target.labels, __metrics_path__: target.metricsPath } };
  });
  return `${JSON.stringify(groups, null, 2)}\n`;
}
