import { parse, stringify } from 'yaml';
import { parseDuration } from '../core/plan/duration';

/**
 * The ADOT collector configs of the sandbox's team: what each service's `ADOT_CONFIG` SSM parameter
 * holds (the example task definitions start the collector with `--config env:ADOT_CONFIG`), and how
 * a simulated ADOT task reads its Prometheus receiver back.
 */

/** ADOT's documented ECS + AMP setup scrapes every 15 s with a 10 s timeout. */
export const ADOT_SCRAPE_INTERVAL = '15s';
export const ADOT_SCRAPE_TIMEOUT = '10s';
/** The job the team's configs name (dashboards and alerts select on it). */
export const ADOT_JOB_NAME = 'temporal';

export interface AdotConfigInput {
  readonly region: string;
  readonly ampWorkspaceId: string;
  /** The application's Prometheus port (benchmark-worker exposes 9091). */
  readonly metricsPort: number;
  readonly jobName?: string;
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
}

/**
 * A collector config in the shape of aws-otel-collector's documented ECS example for AMP
 * (aws-observability/aws-otel-collector, config/ecs/ecs-amp-prometheus.yaml): the Prometheus
 * receiver scrapes the application on localhost (awsvpc: the task's containers share one network
 * namespace), the prometheusremotewrite exporter signs with the sigv4auth extension and writes to
 * the workspace's remote_write endpoint.
 */
export function renderAdotConfig(input: AdotConfigInput): string {
  const endpoint = `https://aps-workspaces.${input.region}.amazonaws.com/workspaces/${input.ampWorkspaceId}/api/v1/remote_write`;
  return stringify({
    extensions: { health_check: null, sigv4auth: { region: input.region, service: 'aps' } },
    receivers: {
      prometheus: {
        config: {
          global: {
            scrape_interval: input.scrapeInterval ?? ADOT_SCRAPE_INTERVAL,
            scrape_timeout: input.scrapeTimeout ?? ADOT_SCRAPE_TIMEOUT,
          },
          scrape_configs: [
            {
              job_name: input.jobName ?? ADOT_JOB_NAME,
              metrics_path: '/metrics',
              static_configs: [{ targets: [`localhost:${input.metricsPort}`] }],
            },
          ],
        },
      },
    },
    processors: { 'batch/metrics': { timeout: '60s' } },
    exporters: {
      prometheusremotewrite: { endpoint, auth: { authenticator: 'sigv4auth' } },
    },
    service: {
      extensions: ['health_check', 'sigv4auth'],
      pipelines: {
        metrics: {
          receivers: ['prometheus'],
          processors: ['batch/metrics'],
          exporters: ['prometheusremotewrite'],
        },
      },
    },
  });
}

/** What an ADOT task's samples carry: the receiver's first scrape job, as Prometheus labels it. */
export interface AdotScrape {
  readonly jobName: string;
  /** The first static target as written (`localhost:9090`): Prometheus' `instance` label. */
  readonly instance: string;
  readonly metricsPath: string;
  /** Simulated ms between two scrapes of the target (the job's, else the global one, else 1m). */
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
}

type Yaml = Record<string, unknown>;
const isObject = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Prometheus' defaults when a config leaves them out (prometheus/config/config.go DefaultGlobalConfig). */
const PROMETHEUS_DEFAULT_INTERVAL_MS = 60_000;
const PROMETHEUS_DEFAULT_TIMEOUT_MS = 10_000;

function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  return ms !== null && ms > 0 ? ms : undefined;
}

/**
 * Reads the Prometheus receiver of an ADOT config; null when the text is not such a config (not
 * YAML, no receiver, no static target), as for a parameter the sandbox did not write.
 */
export function readAdotScrape(text: string): AdotScrape | null {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return null;
  }
  const receivers = isObject(doc) ? doc['receivers'] : undefined;
  const prometheus = isObject(receivers) ? receivers['prometheus'] : undefined;
  const config = isObject(prometheus) ? prometheus['config'] : undefined;
  if (!isObject(config)) return null;
  const global = isObject(config['global']) ? config['global'] : {};
  const jobs = Array.isArray(config['scrape_configs']) ? config['scrape_configs'] : [];
  const job: unknown = jobs[0];
  if (!isObject(job) || typeof job['job_name'] !== 'string') return null;
  const statics: unknown = Array.isArray(job['static_configs']) ? job['static_configs'][0] : undefined;
  const targets: unknown = isObject(statics) ? statics['targets'] : undefined;
  const target: unknown = Array.isArray(targets) ? targets[0] : undefined;
  if (typeof target !== 'string') return null;
  const interval =
    durationMs(job['scrape_interval']) ??
    durationMs(global['scrape_interval']) ??
    PROMETHEUS_DEFAULT_INTERVAL_MS;
  const timeout =
    durationMs(job['scrape_timeout']) ??
    durationMs(global['scrape_timeout']) ??
    PROMETHEUS_DEFAULT_TIMEOUT_MS;
  return {
    jobName: job['job_name'],
    instance: target,
    metricsPath: typeof job['metrics_path'] === 'string' ? job['metrics_path'] : '/metrics',
    scrapeIntervalMs: interval,
    scrapeTimeoutMs: Math.min(timeout, interval),
  };
}
