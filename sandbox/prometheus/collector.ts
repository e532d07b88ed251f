import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTargets, COLLECTOR_PATH, SCRAPE_JOB, type ScrapeTarget } from './config';
import { parseExposition, renderSample, withTargetLabels, type ExposedSample } from './exposition';

export interface Collector {
  /** host:port Prometheus scrapes. */
  readonly address: string;
  /** Replaces the targets; the next scrape of the collector reads the new set. */
  setTargets(targets: readonly ScrapeTarget[]): void;
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
 */
/**
 * How long one task endpoint may take. Collections no longer hold a scrape up (see `answer`), so a
 * task is judged down only when it fails or hangs, not when hundreds of endpoints answered in the
 * same quarter second on a busy machine (a stopped task's port refuses at once).
 */
const TARGET_TIMEOUT_MS = 5_000;

export async function startCollector(options: { scrapeTimeoutMs: number }): Promise<Collector> {
  let targets: readonly ScrapeTarget[] = [];
  // Targets seen before: `scrape_series_added` counts a target's series on its first scrape only.
  const seen = new Set<string>();

  const collect = async (): Promise<string> => {
    const current = targets;
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

  // Prometheus gives a scrape at most its interval (a quarter of a second). Reading hundreds of task
  // endpoints can take longer on a busy machine, and a scrape that times out makes every task look
  // down. So a scrape waits for a fresh collection only briefly and otherwise answers with the last
  // complete one (at most one collection old); collections never overlap.
  let latest: string | undefined;
  let inFlight: Promise<string> | undefined;
  const refresh = (): Promise<string> => {
    inFlight ??= collect().then(
      (body) => {
        latest = body;
        inFlight = undefined;
        return body;
      },
      (error: unknown) => {
        inFlight = undefined;
        throw error;
      },
    );
    return inFlight;
  };
  const answer = async (): Promise<string> => {
    const fresh = refresh();
    if (latest === undefined) return fresh;
    const waited = await Promise.race([
      fresh,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), options.scrapeTimeoutMs / 2).unref(),
      ),
    ]);
    return waited ?? latest;
  };

  const server: Server = createServer((req, res) => {
    if (req.url !== COLLECTOR_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    answer().then(
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
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
