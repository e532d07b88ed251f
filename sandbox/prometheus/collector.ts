import { Worker } from 'node:worker_threads';
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
 * How long one task endpoint may take. Collections never hold a scrape up (the answerer serves the
 * last one), so a task is judged down only when it fails or hangs, not when hundreds of endpoints
 * answered in the same quarter second on a busy machine (a stopped task's port refuses at once).
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

  // The answers come from a worker thread holding each path's last collection, not from this
  // thread: the sandbox runs the orchestrator's Lambdas in this process, and a handler's first call
  // stalls it for most of a second (measured in a rehearsal: up to 790 ms, longer than a scrape's
  // timeout at x30), which made scrapes fail and a target's cadence read low. Each path is
  // collected here every interval (at once when the targets change); a stalled collection leaves
  // the previous answer in place, so Prometheus still gets a sample per interval.
  const answers = await startAnswerer();
  const collecting = new Map<string, Promise<void>>();
  const refresh = (path: string): void => {
    if (collecting.has(path)) return;
    const done = collect(path).then(
      (body) => answers.post(path, body),
      () => undefined,
    );
    collecting.set(
      path,
      done.finally(() => collecting.delete(path)),
    );
  };
  const timers = new Map<string, NodeJS.Timeout>();
  const serve = (path: string, everyMs: number): void => {
    if (timers.has(path)) return;
    answers.post(path, '');
    refresh(path);
    const timer = setInterval(() => refresh(path), everyMs);
    timer.unref();
    timers.set(path, timer);
  };
  serve(COLLECTOR_PATH, options.scrapeTimeoutMs);
  const learn = (next: Iterable<number>): void => {
    const before = intervals.size;
    for (const ms of next) {
      intervals.add(ms);
      serve(intervalPath(ms), ms);
    }
    if (intervals.size !== before) options.onIntervals?.([...intervals]);
  };

  return {
    address: answers.address,
    setTargets(next) {
      checkTargets(next);
      targets = [...next];
      learn(next.flatMap((t) => (t.scrapeIntervalMs === undefined ? [] : [t.scrapeIntervalMs])));
      // A new task's series come with the next scrape, a stopped task's leave with it.
      for (const path of timers.keys()) {
        const pending = collecting.get(path);
        if (pending) void pending.then(() => refresh(path));
        else refresh(path);
      }
    },
    declareIntervals(intervalsMs) {
      checkTargets(
        intervalsMs.map((ms) => ({ address: 'h:1', metricsPath: '/', labels: {}, scrapeIntervalMs: ms })),
      );
      learn(intervalsMs);
    },
    stop: async () => {
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
      await answers.stop();
    },
  };
}

/**
 * The collector's HTTP server, in a worker thread: it answers each path with the last body posted
 * for it (404 for a path never posted), whatever this thread is doing.
 */
const ANSWERER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
const bodies = new Map();
const server = createServer((req, res) => {
  const body = bodies.get(req.url);
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(body);
});
server.keepAliveTimeout = 1000;
parentPort.on('message', (m) => {
  if (m.type === 'body') bodies.set(m.path, m.body);
  else if (m.type === 'stop') {
    server.close(() => parentPort.postMessage({ type: 'stopped' }));
    server.closeAllConnections();
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
`;

async function startAnswerer(): Promise<{
  address: string;
  post(path: string, body: string): void;
  stop(): Promise<void>;
}> {
  const worker = new Worker(ANSWERER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'listening') resolve(m.port as number);
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${port}`,
    post: (path, body) => worker.postMessage({ type: 'body', path, body }),
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        const done = (): void => {
          void worker.terminate().then(() => resolve());
        };
        worker.on('message', (m: { type: string }) => {
          if (m.type === 'stopped') done();
        });
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'stop' });
        setTimeout(done, 2_000).unref();
      })),
  };
}
