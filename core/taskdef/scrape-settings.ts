// Direct module imports: core/alloy's index is still loading when migrate.ts pulls this file in.
import { shorter } from '../alloy/render/metrics';
import {
  DEFAULT_METRICS_PATH,
  DEFAULT_METRICS_PORT,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  type ScrapeSettings,
} from '../alloy/render/target';
import { parseDuration } from '../plan/duration';
import type { ServicePlan } from '../plan/schema';
import { matchAdotJob, readAdotScrapeJobs, targetPort, type AdotScrapeJob } from './adot-config';
import type { CollectorConfig } from './adot-config-source';

export interface ResolvedScrape {
  readonly settings: ScrapeSettings;
  /** For the render warnings: why ADOT's config was not used, or where the plan departs from it. */
  readonly warnings: string[];
}

export interface ScrapeInputs {
  /** The collector's config; undefined = not looked for. */
  readonly collector: CollectorConfig | undefined;
  /** The collector container's environment, for `${env:...}` in its config. */
  readonly collectorEnv: Readonly<Record<string, string>>;
  /** Container ports the main containers map (to pick the service's target among several). */
  readonly mappedPorts: readonly number[];
}

type Found = { readonly job: AdotScrapeJob; readonly target: string; readonly from: string };

function findJob(service: ServicePlan, inputs: ScrapeInputs): Found | { unusable: string } {
  const { collector } = inputs;
  if (collector === undefined) return { unusable: 'no collector config was given' };
  if ('unavailable' in collector) return { unusable: collector.unavailable };
  const read = readAdotScrapeJobs(collector.document, inputs.collectorEnv);
  if (!read.ok) return { unusable: `${read.reason}, in ${collector.from}` };
  const match = matchAdotJob(read.jobs, service.metricsPort, inputs.mappedPorts);
  if (!match.ok) return { unusable: `${match.reason}, in ${collector.from}` };
  return { job: match.job, target: match.target, from: collector.from };
}

/**
 * The service's scrape: each setting from the plan when it sets it, else from the ADOT scrape job
 * that targets the service, else the default (port 9090, /metrics, job = service name, 15s, 10s).
 * The instance label is ADOT's target address as written, when that job is known. Pure.
 */
export function resolveScrape(service: ServicePlan, inputs: ScrapeInputs): ResolvedScrape {
  const found = findJob(service, inputs);
  const adot = 'job' in found ? found : null;
  const warnings: string[] = [];
  const interval = service.scrapeInterval ?? adot?.job.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
  let timeout = service.scrapeTimeout ?? adot?.job.scrapeTimeout ?? shorter(DEFAULT_SCRAPE_TIMEOUT, interval);
  if ((parseDuration(timeout) ?? 0) > (parseDuration(interval) ?? 0)) {
    warnings.push(
      `service "${service.name}": scrape timeout ${timeout} (from ADOT's config) cut to the plan's scrapeInterval ${interval}; Alloy refuses a timeout longer than the interval`,
    );
    timeout = interval;
  }
  const settings: ScrapeSettings = {
    port: service.metricsPort ?? (adot ? targetPort(adot.target) : null) ?? DEFAULT_METRICS_PORT,
    path: service.metricsPath ?? adot?.job.metricsPath ?? DEFAULT_METRICS_PATH,
    jobName: service.jobName ?? adot?.job.jobName ?? service.name,
    interval,
    timeout,
    instance: adot?.target ?? null,
  };
  if (!adot) {
    warnings.push(
      `service "${service.name}": ADOT's scrape settings unknown (${(found as { unusable: string }).unusable}); Alloy scrapes :${settings.port}${settings.path} every ${settings.interval} (timeout ${settings.timeout}) as job "${settings.jobName}" with instance "127.0.0.1:${settings.port}": if ADOT's job or instance differed, dashboards and alerts on them stop matching (set the service's jobName, scrapeInterval, scrapeTimeout, metricsPort, metricsPath)`,
    );
    return { settings, warnings };
  }
  const departures = [
    ['jobName', service.jobName, adot.job.jobName],
    ['scrapeInterval', service.scrapeInterval, adot.job.scrapeInterval],
    ['scrapeTimeout', service.scrapeTimeout, adot.job.scrapeTimeout],
    ['metricsPath', service.metricsPath, adot.job.metricsPath],
  ].filter(([, plan, collector]) => plan !== undefined && plan !== collector);
  for (const [field, plan, collector] of departures)
    warnings.push(
      `service "${service.name}": the plan's ${field} ${JSON.stringify(plan)} replaces ADOT's ${JSON.stringify(collector)} (${adot.from})`,
    );
  return { settings, warnings };
}
