import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTargets, COLLECTOR_PATH, intervalPath, SCRAPE_JOB, type ScrapeTarget } from './config';
import { parseExposition, renderSample, withTargetLabels, type ExposedSample } from './exposition';

export interface Collector {
  /** host:port Prometheus scrapes. */
  readonly address: string;
  /** Replaces the targets; the next scrape of each target's path reads the new set. */
  setTargets(targets: readonly ScrapeTarget[]): void;
  /**
   * Serves these intervals (real ms) before any target asks for them: Prometheus learns of a new
   * interval through file_sd, whose changes its discovery manager passes on at most every 5 s.
   */
  declareIntervals(intervalsMs: readonly number[]): void;
  stop(): Promise<void>;
}

/** The series Prometheus adds for every target it scrapes (its "report" series). */
function reportSamples(
  labels: Record<string, string>,
  up: boolean,
  durationMs: number,
  scraped: number,
  added: number,
): ExposedSample[] {
  const sample = (name: string, value: number): ExposedSample => ({ name, labels, value: String(value) });
  return [
    sample('up', up ? 1 : 0),
    sample('scrape_duration_seconds', durationMs / 1000),
    sample('scrape_samples_scraped', scraped),
    sample('scrape_samples_post_metric_relabeling', scraped),
    sample('scrape_series_added', added),
  ];
}

async function scrapeTarget(target: ScrapeTarget, timeoutMs: number): Promise<ExposedSample[] | null> {
  try {
    const res = await fetch(`http://${target.address}${target.metricsPath}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return res.status === 200 ? parseExposition(text) : null;
  } catch {
    return null;
  }
}

/**
 * One scrape target in front of all the task targets: every scrape of it reads each task's metrics
 * endpoint and answers with their samples, labelled as Prometheus would label them had it scraped
 * the task itself (target labels, `job`, `instance`, and the `up`/`scrape_*` series), for a
 * scrape config with `honor_labels: true`.
 *
 * Why not file-based discovery of each task: Prometheus' discovery manager passes target changes
 * on at most every 5 s (fixed in Prometheus 2.42, Debian's package), which at the sandbox's x60
 * is five simulated minutes before a new task's first scrape, longer than the metrics deadline.
 * In AWS the collectors scrape their own task and remote-write to AMP as soon as it runs; the
 * collector plays that part, so a new task's series arrive with the next scrape.
 *
 * Each target is scraped at its own collector's interval: the targets that give a
 * `scrapeIntervalMs` are answered on that interval's path (`/collect/<ms>`), which Prometheus
 * scrapes that often (config.ts intervalGroups), so a 15 s ADOT target has four samples a minute
 * and a 60 s Alloy target one, as in AMP. Intervals stay known once seen, so only an interval new
 * to the collector waits for discovery (about 5 s); the sandbox declares the usual ones at start.
 */
/**
 * How long one task endpoint may take. Collections no longer hold a scrape up (see `answer`), so a
 * task is judged down only when it fails or hangs, not when hundreds of endpoints answered in the
 * same quarter second on a busy machine (a stopped task's port refuses at once).
 */
const TARGET_TIMEOUT_MS = 5_000;

export async function startCollector(options: {
  scrapeTimeoutMs: number;
  /**
   * Called with every interval served so far when a new one appears (setTargets or
   * declareIntervals), so that Prometheus learns to scrape its path that often.
   */
  onIntervals?: (intervalsMs: readonly number[]) => void;
}): Promise<Collector> {
  let targets: readonly ScrapeTarget[] = [];
  const intervals = new Set<number>();
  // Targets seen before: `scrape_series_added` counts a target's series on its first scrape only.
  const seen = new Set<string>();

  const pathOf = (target: ScrapeTarget): string =>
    target.scrapeIntervalMs === undefined ? COLLECTOR_PATH : intervalPath(target.scrapeIntervalMs);

  const collect = async (path: string): Promise<string> => {
    const current = targets.filter((t) => pathOf(t) === path);
    const lines = new Set<string>();
    await Promise.all(
      current.map(async (target) => {
        const started = performance.now();
        const samples = await scrapeTarget(target, TARGET_TIMEOUT_MS);
        const durationMs = performance.now() - started;
        const labels = { job: SCRAPE_JOB, instance: target.address, ...target.labels };
        const key = `${target.address}${target.metricsPath}`;
        const added = samples && !seen.has(key) ? samples.length : 0;
        if (samples) seen.add(key);
        const own = (samples ?? []).map((s) => ({ ...s, labels: withTargetLabels(s.labels, labels) }));
        const report = reportSamples(labels, samples !== null, durationMs, samples?.length ?? 0, added);
        // Identical series from two targets: Prometheus keeps one sample per series and scrape.
        for (const sample of [...own, ...report]) lines.add(renderSample(sample));
      }),
    );
    return lines.size > 0 ? `${[...lines].join('\n')}\n` : '';
  };

  // Prometheus gives a scrape at most its interval. Reading hundreds of task endpoints can take
  // longer on a busy machine, and a scrape that times out makes every task look down. So a scrape
  // waits for a fresh collection only briefly and otherwise answers with the last complete one (at
  // most one collection old); collections of one path never overlap.
  const paths = new Map<string, { latest?: string; inFlight?: Promise<string> }>();
  const refresh = (path: string): Promise<string> => {
    const state = paths.get(path) ?? {};
    paths.set(path, state);
    state.inFlight ??= collect(path).then(
      (body) => {
        state.latest = body;
        delete state.inFlight;
        return body;
      },
      (error: unknown) => {
        delete state.inFlight;
        throw error;
      },
    );
    return state.inFlight;
  };
  const answer = async (path: string, timeoutMs: number): Promise<string> => {
    const fresh = refresh(path);
    const latest = paths.get(path)?.latest;
    if (latest === undefined) return fresh;
    const waited = await Promise.race([
      fresh,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs / 2).unref()),
    ]);
    return waited ?? latest;
  };
  /** The path's scrape timeout (its interval), or undefined for a path the collector does not serve. */
  const timeoutOf = (path: string | undefined): number | undefined => {
    if (path === COLLECTOR_PATH) return options.scrapeTimeoutMs;
    const ms = path?.startsWith(`${COLLECTOR_PATH}/`) ? Number(path.slice(COLLECTOR_PATH.length + 1)) : NaN;
    return intervals.has(ms) ? ms : undefined;
  };
  const learn = (next: Iterable<number>): void => {
    const before = intervals.size;
    for (const ms of next) intervals.add(ms);
    if (intervals.size !== before) options.onIntervals?.([...intervals]);
  };

  const server: Server = createServer((req, res) => {
    const timeoutMs = timeoutOf(req.url);
    if (req.url === undefined || timeoutMs === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    answer(req.url, timeoutMs).then(
      (body) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${(error as Error).message}\n`);
      },
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    setTargets(next) {
      checkTargets(next);
      targets = [...next];
      learn(next.flatMap((t) => (t.scrapeIntervalMs === undefined ? [] : [t.scrapeIntervalMs])));
    },
    declareIntervals(intervalsMs) {
      checkTargets(
        intervalsMs.map((ms) => ({ address: 'h:1', metricsPath: '/', labels: {}, scrapeIntervalMs: ms })),
      );
      learn(intervalsMs);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
