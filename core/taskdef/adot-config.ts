import { formatDuration } from '../plan/duration';

/**
 * Reads the Prometheus scrape jobs out of an ADOT collector config (the OpenTelemetry collector
 * YAML that ADOT reads from AOT_CONFIG_CONTENT or `--config env:NAME`, decoded by
 * adot-config-text.ts), so the Alloy sidecar can scrape what ADOT scraped, as often, under the
 * same job and instance labels. Pure, and free of the YAML parser (the Lambdas that only import
 * migrate do not carry it).
 */

/** One target of a scrape job, as ADOT's receiver would scrape and label it. */
export interface AdotScrapeJob {
  /** The receiver it belongs to: "prometheus" or "prometheus/<name>". */
  readonly receiver: string;
  readonly jobName: string;
  /** Effective interval and timeout (job's, else global's, else Prometheus' 1m / 10s), Alloy syntax. */
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly metricsPath: string;
  /** Every static target as written after ${env:...} expansion, e.g. "localhost:9090". */
  readonly targets: readonly string[];
}

export type AdotScrapeRead =
  | { readonly ok: true; readonly jobs: readonly AdotScrapeJob[] }
  | { readonly ok: false; readonly reason: string };

// Prometheus' own defaults (prometheus/prometheus config/config.go, DefaultGlobalConfig).
const PROMETHEUS_DEFAULT_INTERVAL_MS = 60_000;
const PROMETHEUS_DEFAULT_TIMEOUT_MS = 10_000;

/** Prometheus duration syntax (prometheus/common model.ParseDuration): units y w d h m s ms, "0". */
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_UNITS_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

export function parsePrometheusDuration(text: string): number | null {
  if (text === '0') return 0;
  const match = PROM_DURATION.exec(text);
  if (!match || text === '') return null;
  return PROM_UNITS_MS.reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * unit, 0);
}

/**
 * Expands the collector's environment references the way its confmap does: `${env:NAME}`,
 * `${NAME}` and `$NAME`, with `$$` for a literal `$`. Returns null when a name is not set.
 */
export function expandCollectorEnv(text: string, env: Readonly<Record<string, string>>): string | null {
  let missing = false;
  const out = text.replace(
    /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      if (value === undefined) missing = true;
      return value ?? '';
    },
  );
  return missing ? null : out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The metrics pipelines' receivers; null when the config declares no pipelines (then all count). */
function pipelineReceivers(config: Record<string, unknown>): Set<string> | null {
  const service = config['service'];
  const pipelines = isRecord(service) ? service['pipelines'] : undefined;
  if (!isRecord(pipelines)) return null;
  const names = new Set<string>();
  for (const [name, pipeline] of Object.entries(pipelines)) {
    if (!(name === 'metrics' || name.startsWith('metrics/')) || !isRecord(pipeline)) continue;
    const receivers = pipeline['receivers'];
    if (Array.isArray(receivers)) for (const r of receivers) if (typeof r === 'string') names.add(r);
  }
  return names;
}

type Env = Readonly<Record<string, string>>;

function durationField(where: string, value: unknown, env: Env): { ms: number | null; error?: string } {
  if (value === undefined || value === null) return { ms: null };
  const text = typeof value === 'string' ? expandCollectorEnv(value, env) : null;
  const ms = text === null ? null : parsePrometheusDuration(text);
  if (ms === null)
    return {
      ms: null,
      error: `${where} is ${JSON.stringify(value)}: expected a Prometheus duration such as "15s" or "1m"`,
    };
  return { ms };
}

function readJob(
  receiver: string,
  job: unknown,
  index: number,
  global: { intervalMs: number; timeoutMs: number },
  env: Env,
): AdotScrapeJob | string {
  const where = `receivers.${receiver}.config.scrape_configs[${index}]`;
  if (!isRecord(job)) return `${where} is not a mapping`;
  const rawName = job['job_name'];
  const jobName = typeof rawName === 'string' ? expandCollectorEnv(rawName, env) : null;
  if (!jobName) return `${where}.job_name is missing or names an unset variable`;
  const interval = durationField(`${where}.scrape_interval`, job['scrape_interval'], env);
  if (interval.error) return interval.error;
  const timeout = durationField(`${where}.scrape_timeout`, job['scrape_timeout'], env);
  if (timeout.error) return timeout.error;
  // Prometheus' rule (config/config.go, ScrapeConfig.Validate): a job without a timeout takes the
  // global one, cut down to its own interval when that is shorter.
  const intervalMs = interval.ms ?? global.intervalMs;
  const timeoutMs = timeout.ms ?? Math.min(global.timeoutMs, intervalMs);
  if (timeoutMs > intervalMs)
    return `${where}: scrape_timeout ${formatDuration(timeoutMs)} is longer than scrape_interval ${formatDuration(intervalMs)}`;
  const rawPath = job['metrics_path'];
  const metricsPath =
    typeof rawPath === 'string' ? (expandCollectorEnv(rawPath, env) ?? '/metrics') : '/metrics';
  const targets: string[] = [];
  const staticConfigs = job['static_configs'];
  if (Array.isArray(staticConfigs))
    for (const sc of staticConfigs) {
      const list = isRecord(sc) ? sc['targets'] : undefined;
      if (!Array.isArray(list)) continue;
      for (const t of list) {
        const expanded = typeof t === 'string' ? expandCollectorEnv(t, env) : null;
        if (expanded) targets.push(expanded);
      }
    }
  return {
    receiver,
    jobName,
    scrapeInterval: formatDuration(intervalMs),
    scrapeTimeout: formatDuration(timeoutMs),
    metricsPath,
    targets,
  };
}

/**
 * Every scrape job of the config's Prometheus receivers that a metrics pipeline uses.
 * `config` is the decoded YAML; `env` the collector container's environment, for `${env:...}`.
 */
export function readAdotScrapeJobs(config: unknown, env: Env = {}): AdotScrapeRead {
  if (!isRecord(config)) return { ok: false, reason: 'the collector config is not a YAML mapping' };
  const receivers = config['receivers'];
  if (!isRecord(receivers)) return { ok: false, reason: 'the collector config has no receivers' };
  const used = pipelineReceivers(config);
  const jobs: AdotScrapeJob[] = [];
  const problems: string[] = [];
  for (const [name, receiver] of Object.entries(receivers)) {
    if (!(name === 'prometheus' || name.startsWith('prometheus/'))) continue;
    if (used && !used.has(name)) continue;
    const promConfig = isRecord(receiver) ? receiver['config'] : undefined;
    if (!isRecord(promConfig)) continue;
    const rawGlobal = isRecord(promConfig['global']) ? promConfig['global'] : {};
    const gInterval = durationField(
      `receivers.${name}.config.global.scrape_interval`,
      rawGlobal['scrape_interval'],
      env,
    );
    const gTimeout = durationField(
      `receivers.${name}.config.global.scrape_timeout`,
      rawGlobal['scrape_timeout'],
      env,
    );
    if (gInterval.error || gTimeout.error) {
      problems.push((gInterval.error ?? gTimeout.error) as string);
      continue;
    }
    const global = {
      intervalMs: gInterval.ms ?? PROMETHEUS_DEFAULT_INTERVAL_MS,
      timeoutMs: gTimeout.ms ?? PROMETHEUS_DEFAULT_TIMEOUT_MS,
    };
    const list = promConfig['scrape_configs'];
    if (!Array.isArray(list)) continue;
    list.forEach((job, i) => {
      const read = readJob(name, job, i, global, env);
      if (typeof read === 'string') problems.push(read);
      else jobs.push(read);
    });
  }
  if (jobs.length === 0)
    return {
      ok: false,
      reason:
        problems.length > 0
          ? problems.join('; ')
          : 'the collector config has no prometheus receiver with a scrape job in a metrics pipeline',
    };
  return { ok: true, jobs };
}

/** The port of a "host:port" or "[v6]:port" target, or null. */
export function targetPort(target: string): number | null {
  const match = /:(\d{1,5})$/.exec(target);
  return match ? Number(match[1]) : null;
}

export type AdotJobMatch =
  | { readonly ok: true; readonly job: AdotScrapeJob; readonly target: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The job and target that scrape the service: the one on `port` when the plan names it, else the
 * only one on a port the main containers map (`mappedPorts`), else the only target there is.
 */
export function matchAdotJob(
  jobs: readonly AdotScrapeJob[],
  port: number | undefined,
  mappedPorts: readonly number[],
): AdotJobMatch {
  const pairs = jobs.flatMap((job) => job.targets.map((target) => ({ job, target })));
  const describe = pairs.map((p) => `${p.job.jobName} ${p.target}`).join(', ') || 'no static targets';
  if (port !== undefined) {
    const onPort = pairs.filter((p) => targetPort(p.target) === port);
    if (onPort.length === 0)
      return {
        ok: false,
        reason: `no scrape job targets port ${port} (the plan's metricsPort); found ${describe}`,
      };
    if (new Set(onPort.map((p) => p.job)).size > 1)
      return {
        ok: false,
        reason: `several scrape jobs target port ${port} (${onPort.map((p) => p.job.jobName).join(', ')}); set the service's jobName, scrapeInterval and scrapeTimeout`,
      };
    return { ok: true, ...(onPort[0] as (typeof onPort)[number]) };
  }
  if (pairs.length === 1) return { ok: true, ...(pairs[0] as (typeof pairs)[number]) };
  const mapped = pairs.filter((p) => mappedPorts.includes(targetPort(p.target) ?? -1));
  if (mapped.length === 1) return { ok: true, ...(mapped[0] as (typeof mapped)[number]) };
  return {
    ok: false,
    reason: `${pairs.length === 0 ? 'the scrape jobs have no static targets' : `cannot tell which target is the service's (${describe})`}; set the service's metricsPort`,
  };
}
