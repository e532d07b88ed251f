import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InputInvalidError, TransientError } from '../../core/errors';
import { startCollector } from './collector';
import {
  COLLECTOR_JOB,
  intervalGroups,
  INTERVALS_FILE,
  renderPrometheusConfig,
  type ScrapeTarget,
} from './config';
import { findFreePort } from './free-port';

/** Where Debian's `prometheus` package puts the binary (`.ci/run` installs it). */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

const TIMINGS = {
  /** How long Prometheus may take to answer /-/ready after start. */
  readyTimeoutMs: 30_000,
  /** Poll period for readiness and target health. */
  pollMs: 100,
  /** Grace between SIGTERM and SIGKILL in stop(). */
  stopGraceMs: 5_000,
  /** Fresh ports tried when another process wins the race for the first one. */
  portAttempts: 5,
} as const;

export interface StartPrometheusOptions {
  /** Working directory: prometheus.yml and data/ live here. */
  dir: string;
  /**
   * Default 0.25 s: a new task's first samples arrive within one interval of real time, which at
   * x60 is 15 simulated seconds, well inside a metrics deadline of a minute or two.
   */
  scrapeIntervalSeconds?: number;
  /** Append Prometheus' own log here (it is kept in memory only for error messages otherwise). */
  logFile?: string;
  /** Override the binary (tests of the manager itself); defaults to /usr/bin/prometheus. */
  binary?: string;
}

export interface PrometheusHandle {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** Replaces the scrape targets; the next scrape reads the new set. */
  setTargets(targets: ScrapeTarget[]): Promise<void>;
  /**
   * Scrape intervals (real ms) to serve before a target asks for one: a new interval reaches
   * Prometheus through file_sd, about 5 s later; resolves once the file is written.
   */
  declareIntervals(intervalsMs: readonly number[]): Promise<void>;
  /** Resolves once Prometheus holds `up` 1 for at least `count` targets. */
  waitForTargets(count: number, options?: { timeoutMs?: number }): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; always resolves, also when already gone. */
  stop(): Promise<void>;
}

/** Keeps the last few KiB of Prometheus' output for error messages. */
class LogTail {
  private text = '';
  constructor(private readonly sink: WriteStream | null) {}
  add(chunk: Buffer): void {
    this.sink?.write(chunk);
    this.text = (this.text + chunk.toString('utf8')).slice(-8192);
  }
  get value(): string {
    return this.text;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Kills Prometheus if this process disappears without running its exit handlers (SIGKILL,
 * crash): a detached shell polls both PIDs once a second.
 */
function spawnWatchdog(childPid: number): ChildProcess {
  const script =
    'while kill -0 "$PARENT" 2>/dev/null && kill -0 "$CHILD" 2>/dev/null; do sleep 1; done; ' +
    'kill -TERM "$CHILD" 2>/dev/null; sleep 5; kill -KILL "$CHILD" 2>/dev/null; exit 0';
  const watchdog = spawn('/bin/sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      PARENT: String(process.pid),
      CHILD: String(childPid),
    },
  });
  watchdog.unref();
  return watchdog;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

interface Launched {
  child: ChildProcess;
  port: number;
  url: string;
  log: LogTail;
}

async function launch(
  binary: string,
  dir: string,
  configFile: string,
  sink: WriteStream | null,
): Promise<Launched> {
  let lastLog = '';
  for (let attempt = 1; attempt <= TIMINGS.portAttempts; attempt++) {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const log = new LogTail(sink);
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        // The scrape manager applies target changes at most this often (5 s by default); the one
        // change here is the collector's target at start, which readiness waits for.
        '--scrape.discovery-reload-interval=100ms',
        '--storage.tsdb.retention.time=1d',
        '--log.level=info',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => log.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => log.add(chunk));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = Date.now() + TIMINGS.readyTimeoutMs;
    while (Date.now() < deadline) {
      const failed = await Promise.race([spawnError, delay(TIMINGS.pollMs).then(() => null)]);
      if (failed)
        throw new InputInvalidError(
          `cannot run ${binary}: ${failed.message} (install the Debian package: apt-get install -y prometheus)`,
          {},
          { cause: failed },
        );
      if (child.exitCode !== null || child.signalCode !== null) break;
      if (await isReady(url)) return { child, port, url, log };
    }
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
      throw new TransientError(
        `Prometheus did not become ready on ${url} within ${TIMINGS.readyTimeoutMs} ms; last log:\n${log.value}`,
      );
    }
    lastLog = log.value;
    // Someone took the port between our probe and Prometheus' bind: try another one.
    if (!/address already in use/i.test(lastLog)) break;
  }
  throw new TransientError(`Prometheus exited before it was ready; last log:\n${lastLog}`);
}

/** Resolves once Prometheus answers `up` 1 for at least `count` task targets. */
async function waitForUp(url: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const query = new URLSearchParams({ query: `count(up{job!="${COLLECTOR_JOB}"} == 1)` });
  let seen = 0;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/v1/query?${query}`, { signal: AbortSignal.timeout(1_000) });
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      seen = Number(body.data?.result?.[0]?.value?.[1] ?? 0);
      if (seen >= count) return;
    } catch {
      // Not answering yet counts as "not up yet"; the deadline bounds the wait.
    }
    await delay(TIMINGS.pollMs);
  }
  throw new TransientError(
    `Prometheus at ${url} saw ${seen} healthy target(s) after ${timeoutMs} ms, expected ${count}`,
  );
}

/**
 * Starts a real Prometheus on loopback as the sandbox's stand-in for Amazon Managed Prometheus:
 * its own config and data under `dir`, a free port, remote write accepted, and one scrape target,
 * the collector (collector.ts), which reads the targets setTargets gives it on every scrape.
 * Resolves once /-/ready answers 200.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusHandle> {
  const scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 0.25;
  const scrapeIntervalMs = Math.round(scrapeIntervalSeconds * 1000);
  if (!Number.isFinite(scrapeIntervalSeconds) || scrapeIntervalMs < 100) {
    throw new InputInvalidError(
      `scrapeIntervalSeconds must be a number of seconds >= 0.1, got ${scrapeIntervalSeconds}`,
    );
  }
  await mkdir(join(options.dir, 'data'), { recursive: true });
  const intervalsFile = join(options.dir, INTERVALS_FILE);
  // Written whole and renamed into place: file_sd re-reads on every change it is notified of, and
  // a half-written file would be an error until its next refresh (5 minutes later).
  let intervalsWritten = Promise.resolve();
  let collectorAddress = '';
  const writeIntervals = (intervalsMs: readonly number[]): Promise<void> => {
    const text = JSON.stringify(intervalGroups(collectorAddress, intervalsMs), null, 2);
    intervalsWritten = intervalsWritten
      .then(async () => {
        await writeFile(`${intervalsFile}.tmp`, text, 'utf8');
        await rename(`${intervalsFile}.tmp`, intervalsFile);
      })
      .catch(() => undefined);
    return intervalsWritten;
  };
  const collector = await startCollector({
    scrapeTimeoutMs: scrapeIntervalMs,
    onIntervals: (intervalsMs) => void writeIntervals(intervalsMs),
  });
  collectorAddress = collector.address;
  await writeIntervals([]);
  const configFile = join(options.dir, 'prometheus.yml');
  const config = renderPrometheusConfig({ scrapeIntervalMs, collectorAddress: collector.address });
  await writeFile(configFile, config, 'utf8');
  const sink = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;

  let launched: Launched;
  try {
    launched = await launch(options.binary ?? PROMETHEUS_BINARY, options.dir, configFile, sink);
  } catch (error) {
    sink?.end();
    await collector.stop();
    throw error;
  }
  const { child, port, url } = launched;
  const pid = child.pid as number;
  const watchdog = spawnWatchdog(pid);
  // A normal exit of this process (even through an uncaught error) takes Prometheus with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // The grace timer is cancelled once Prometheus is gone, so nothing keeps the loop alive.
        const grace = new AbortController();
        const graceful = await Promise.race([
          exited(child).then(() => true),
          delay(TIMINGS.stopGraceMs, false, { signal: grace.signal }).catch(() => false),
        ]);
        grace.abort();
        if (!graceful) {
          child.kill('SIGKILL');
          await exited(child);
        }
      }
      process.off('exit', killOnExit);
      if (watchdog.exitCode === null) watchdog.kill('SIGKILL');
      await collector.stop();
      await new Promise<void>((resolve) => (sink ? sink.end(resolve) : resolve()));
    })().catch(() => undefined);
    return stopping;
  };

  return {
    url,
    port,
    pid,
    setTargets: (targets) => {
      collector.setTargets(targets);
      return intervalsWritten;
    },
    declareIntervals: (intervalsMs) => {
      collector.declareIntervals(intervalsMs);
      return intervalsWritten;
    },
    waitForTargets: (count, waitOptions = {}) => waitForUp(url, count, waitOptions.timeoutMs ?? 30_000),
    stop,
  };
}
