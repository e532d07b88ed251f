/** Where the rendered config runs: the task's main containers and its network mode. */
export interface AlloyTarget {
  /** Containers whose logs and metrics Alloy collects (already resolved from the plan). */
  mainContainers: string[];
  networkMode: 'awsvpc' | 'bridge' | 'host';
  /**
   * Per main container that had awslogs multi-line settings: the RE2 regex that starts a new
   * entry and how long a block waits for more lines (core/taskdef/awslogs-multiline.ts).
   */
  multiline?: Readonly<Record<string, LineJoining>>;
  /** The service's scrape (core/taskdef/scrape-settings.ts); default: from the plan alone. */
  scrape?: ScrapeSettings;
}

/** Defaults when neither the plan nor the ADOT collector's config says otherwise. */
export const DEFAULT_METRICS_PORT = 9090;
export const DEFAULT_METRICS_PATH = '/metrics';
export const DEFAULT_SCRAPE_INTERVAL = '15s';
export const DEFAULT_SCRAPE_TIMEOUT = '10s';

/** How Alloy scrapes the service, resolved from the plan, the ADOT config and the defaults. */
export interface ScrapeSettings {
  readonly port: number;
  readonly path: string;
  readonly jobName: string;
  readonly interval: string;
  readonly timeout: string;
  /** The instance label ADOT gave the series (its target address as written), or null. */
  readonly instance: string | null;
}

/** How one container's lines are joined into entries (a `stage.multiline`). */
export interface LineJoining {
  readonly firstline: string;
  readonly maxWaitTime: string;
}
