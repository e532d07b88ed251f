import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startPrometheus, type PrometheusHandle } from '../../sandbox/prometheus';

/** Runs a real Prometheus (Debian package, installed by .ci/run). */
jest.setTimeout(60_000);

interface PromVector {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(handle: PrometheusHandle, promql: string): Promise<PromVector> {
  const res = await fetch(`${handle.url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  return (await res.json()) as PromVector;
}

/** Bounded polling: Prometheus scrapes every second, so a series shows up within a few. */
async function eventually(handle: PrometheusHandle, promql: string, attempts = 100): Promise<PromVector> {
  let last: PromVector | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await query(handle, promql);
    if (last.data.result.length > 0) return last;
    await delay(200);
  }
  throw new Error(`no result for ${promql}; last answer ${JSON.stringify(last)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startPrometheus (real Prometheus)', () => {
  let dir: string;
  let metrics: Server | undefined;
  let handle: PrometheusHandle | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-prometheus-'));
  });

  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    if (metrics) {
      metrics.closeAllConnections();
      await new Promise<void>((resolve) => metrics?.close(() => resolve()));
      metrics = undefined;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('scrapes a target with its labels, accepts new targets without restart, and dies on stop', async () => {
    metrics = createServer((req, res) => {
      if (req.url === '/custom/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(
          '# TYPE temporal_requests_total counter\ntemporal_requests_total{operation="StartWorkflow"} 42\n',
        );
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => metrics?.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(metrics.address() as AddressInfo).port}`;

    handle = await startPrometheus({ dir, scrapeIntervalSeconds: 1, logFile: join(dir, 'prometheus.log') });
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`);
    expect(isAlive(handle.pid)).toBe(true);

    await handle.setTargets([
      { address, metricsPath: '/custom/metrics', labels: { service_name: 'history', task_id: 'abc123' } },
    ]);
    await handle.waitForTargets(1, { timeoutMs: 20_000 });

    const up = await eventually(handle, 'up{service_name="history", task_id="abc123"}');
    expect(up.data.result[0]?.value[1]).toBe('1');
    expect(up.data.result[0]?.metric).toMatchObject({ job: 'sandbox', instance: address });

    const counter = await eventually(handle, 'temporal_requests_total{service_name="history"}');
    expect(counter.data.result[0]).toMatchObject({
      metric: { operation: 'StartWorkflow', service_name: 'history', task_id: 'abc123' },
      value: [expect.any(Number), '42'],
    });

    // Remote write is on (the Alloy sidecars' path into the AMP stand-in).
    const remoteWrite = await fetch(`${handle.url}/api/v1/write`, { method: 'POST', body: '' });
    expect(remoteWrite.status).not.toBe(404);

    const pid = handle.pid;
    await handle.stop();
    expect(isAlive(pid)).toBe(false);
    // stop() is idempotent and still resolves.
    await expect(handle.stop()).resolves.toBeUndefined();
    expect(await readFile(join(dir, 'prometheus.log'), 'utf8')).toMatch(
      /Server is ready to receive web requests/,
    );
  });

  it('takes Prometheus down when the process that started it is killed outright', async () => {
    const script = [
      "const { startPrometheus } = require('./sandbox/prometheus');",
      `startPrometheus({ dir: ${JSON.stringify(dir)} }).then((h) => process.stdout.write('PID ' + h.pid + '\\n'));`,
      'setTimeout(() => {}, 60000);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let prometheusPid = 0;
    try {
      prometheusPid = await new Promise<number>((resolvePid, reject) => {
        let out = '';
        parent.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /PID (\d+)/.exec(out);
          if (match) resolvePid(Number(match[1]));
        });
        parent.once('exit', (code) =>
          reject(new Error(`the starter exited (${code}) before Prometheus was ready: ${out}`)),
        );
      });
      expect(isAlive(prometheusPid)).toBe(true);
      parent.kill('SIGKILL');
      for (let i = 0; i < 100 && isAlive(prometheusPid); i++) await delay(100);
      expect(isAlive(prometheusPid)).toBe(false);
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
      if (prometheusPid > 0 && isAlive(prometheusPid)) process.kill(prometheusPid, 'SIGKILL');
    }
  });
});
