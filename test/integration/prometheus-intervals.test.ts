import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startPrometheus, type PrometheusHandle } from '../../sandbox/prometheus';

/** Runs a real Prometheus (Debian package, installed by .ci/run). */
jest.setTimeout(90_000);

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(handle: PrometheusHandle, promql: string, time?: number): Promise<PromVector> {
  const params = new URLSearchParams({ query: promql, ...(time ? { time: String(time) } : {}) });
  const res = await fetch(`${handle.url}/api/v1/query?${params}`);
  return (await res.json()) as PromVector;
}

describe('per-target scrape intervals (real Prometheus)', () => {
  let dir: string;
  let server: Server | undefined;
  let handle: PrometheusHandle | undefined;

  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('stores each target at its own interval, with the job and instance its labels give', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-prometheus-intervals-'));
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end('# TYPE service_requests counter\nservice_requests{operation="Poll"} 7\n');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

    handle = await startPrometheus({ dir, scrapeIntervalSeconds: 1 });
    // A quarter second stands for ADOT's 15 s at x60, a second for Alloy's default 60 s.
    await handle.declareIntervals([250, 1000]);
    await handle.setTargets([
      {
        address,
        metricsPath: '/a',
        labels: { job: 'temporal', instance: 'localhost:9090', task_id: 'fast' },
        scrapeIntervalMs: 250,
      },
      { address, metricsPath: '/b', labels: { task_id: 'slow' }, scrapeIntervalMs: 1000 },
      { address, metricsPath: '/c', labels: { task_id: 'default' } },
    ]);
    await handle.waitForTargets(3, { timeoutMs: 30_000 });
    // Ten seconds of samples after every path is scraped.
    await delay(11_000);
    const at = Date.now() / 1000;
    const counts = await query(handle, 'count_over_time(service_requests[10s])', at);
    const perTask: Record<string, number> = Object.fromEntries(
      counts.data.result.map((r) => [r.metric['task_id'], Number(r.value[1])]),
    );
    // Prometheus spreads targets over their interval and keeps to it: 40, 10 and 10 samples.
    expect(perTask['fast']).toBeGreaterThanOrEqual(38);
    expect(perTask['fast']).toBeLessThanOrEqual(41);
    expect(perTask['slow']).toBeGreaterThanOrEqual(9);
    expect(perTask['slow']).toBeLessThanOrEqual(11);
    expect(perTask['default']).toBeGreaterThanOrEqual(9);
    expect(perTask['default']).toBeLessThanOrEqual(11);

    const labels = await query(handle, 'service_requests', at);
    const byTask = Object.fromEntries(labels.data.result.map((r) => [r.metric['task_id'], r.metric]));
    expect(byTask['fast']).toMatchObject({ job: 'temporal', instance: 'localhost:9090' });
    expect(byTask['slow']).toMatchObject({ job: 'sandbox', instance: address });
    // The collector's own series of each path stay apart: one `up` per path.
    const own = await query(handle, 'up{job="sandbox-collector"}', at);
    const instances = own.data.result.map((r) => r.metric['instance']);
    expect(instances).toHaveLength(3);
    expect(instances).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/collect\/250$/),
        expect.stringMatching(/\/collect\/1000$/),
      ]),
    );
  });
});
