import { describeAlloyConfig, parseAlloy } from '../../core/alloy';
import { parseDuration } from '../../core/plan/duration';
import { alloyFirstline } from './multiline';

/** prometheus.scrape's default scrape_interval (Alloy reference, prometheus.scrape arguments). */
export const ALLOY_DEFAULT_SCRAPE_INTERVAL_MS = 60_000;

/**
 * What a simulated Alloy sidecar does, read from its rendered config: a config that forgets
 * `task_id` yields streams without it, exactly as the real sidecar would.
 */
export interface AlloyShipping {
  /** False when the config ships no logs at all. */
  readonly shipsLogs: boolean;
  /**
   * Reads through the Docker API (loki.source.docker), which also serves the dual-logging cache of
   * containers whose driver cannot be read back (awslogs); file-tail reads json-file files only.
   */
  readonly readsDockerApi?: boolean;
  readonly staticLabels: Readonly<Record<string, string>>;
  readonly mapsContainerName: boolean;
  readonly mapsTaskId: boolean;
  /** `level` extracted from JSON lines and promoted to a label. */
  readonly mapsLevel: boolean;
  /** The level of a line whose JSON has none, or that is not JSON; undefined: no level label. */
  readonly levelFallback?: string;
  /** stage.multiline blocks in pipeline order: the containers each applies to (null: all). */
  readonly multiline?: readonly {
    readonly containers: readonly string[] | null;
    readonly firstline: RegExp;
  }[];
  readonly tenant?: string;
  /** Containers a keep rule limits collection to; undefined = every container of the task. */
  readonly containers?: readonly string[];
  /** Remote-written metrics: fixed labels, and whether task_id is added. Undefined = none. */
  readonly metrics?: {
    readonly staticLabels: Readonly<Record<string, string>>;
    readonly taskIdMapped: boolean;
    /** The `job` label (job_name); undefined: the component's name, Alloy's default. */
    readonly jobName?: string;
    /** The `instance` label: the one the config sets, else the scraped address; undefined: neither known. */
    readonly instance?: string;
    /** Simulated ms between two scrapes (scrape_interval, else Alloy's 60 s default when absent). */
    readonly scrapeIntervalMs?: number;
  };
  /**
   * Alloy's own metrics (prometheus.exporter.self scraped and remote-written with the application's):
   * their job, the components the config declares, and where loki.write and remote_write send.
   * Undefined: the config does not export them.
   */
  readonly selfMetrics?: {
    readonly jobName: string;
    readonly components: number;
    readonly lokiHost: string;
    readonly tenant: string;
    readonly remoteWriteUrl: string;
  };
}

/** host:port of a push URL, as loki.write labels its metrics (`host`). */
function hostOf(url: string | null): string {
  if (url === null) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function readAlloyShipping(config: string): AlloyShipping {
  const summary = describeAlloyConfig(config);
  const { logs, metrics } = summary;
  const instance = metrics.instanceLabel ?? metrics.scrapeAddress;
  return {
    shipsLogs: logs.source !== null && logs.pushUrl !== null,
    readsDockerApi: logs.source === 'docker-api',
    staticLabels: logs.staticLabels,
    mapsContainerName: logs.mapped.containerName,
    mapsTaskId: logs.mapped.taskId,
    mapsLevel: logs.mapped.level,
    ...(logs.levelFallback !== null ? { levelFallback: logs.levelFallback } : {}),
    // A firstline JavaScript cannot compile (an RE2-only construct) is left out: those lines stay apart.
    multiline: logs.multiline.flatMap((m) => {
      const firstline = alloyFirstline(m.firstline);
      return firstline ? [{ containers: m.containers, firstline }] : [];
    }),
    ...(logs.tenantId ? { tenant: logs.tenantId } : {}),
    ...(logs.containers ? { containers: logs.containers } : {}),
    ...(metrics.remoteWriteUrl
      ? {
          metrics: {
            staticLabels: metrics.staticLabels,
            taskIdMapped: metrics.taskIdMapped,
            ...(metrics.jobName !== null ? { jobName: metrics.jobName } : {}),
            ...(instance !== null ? { instance } : {}),
            scrapeIntervalMs: parseDuration(metrics.scrapeInterval ?? '') || ALLOY_DEFAULT_SCRAPE_INTERVAL_MS,
          },
        }
      : {}),
    ...(metrics.selfJobName !== null && metrics.remoteWriteUrl
      ? {
          selfMetrics: {
            jobName: metrics.selfJobName,
            components: parseAlloy(config).body.filter((s) => s.kind === 'block').length,
            lokiHost: hostOf(logs.pushUrl),
            tenant: logs.tenantId ?? '',
            remoteWriteUrl: metrics.remoteWriteUrl,
          },
        }
      : {}),
  };
}
