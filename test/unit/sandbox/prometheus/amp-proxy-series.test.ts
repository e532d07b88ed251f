import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmpClient } from '../../../../lambdas/clients/amp';
import { SimClock } from '../../../../sandbox/clock';
import { createAmpProxy } from '../../../../sandbox/prometheus/amp-proxy';
import { listen } from '../../../../sandbox/server';

const WORKSPACE = 'ws-0a1b2c3d';
const SERIES = [{ __name__: 'up', job: 'temporal', instance: '127.0.0.1:9090', service_name: 'history' }];

describe('AMP stand-in: the series API (metric names and label keys)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("forwards /api/v1/series with every match[] and the window's simulated start and end on the wall clock", async () => {
    const seen: URLSearchParams[] = [];
    const paths: string[] = [];
    const prometheus: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        paths.push(req.url ?? '');
        seen.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: SERIES }));
      });
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          prometheus.close(() => resolve());
          prometheus.closeAllConnections();
        }),
    );
    const anchor = Date.now() - 10_000;
    const clock = new SimClock({ speed: 60, anchor });
    cleanups.push(() => Promise.resolve(clock.stop()));
    const route = createAmpProxy({
      workspaceId: WORKSPACE,
      backendUrl: () => `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`,
      time: clock,
    });
    const http = await listen(0, [], [route]);
    cleanups.push(() => http.close());
    const amp = createAmpClient({
      baseUrl: `http://127.0.0.1:${http.port}/workspaces/${WORKSPACE}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });

    // Five simulated minutes from the anchor are five real seconds at x60.
    const answer = await amp.series(['{service_name="history"}', 'up{job="temporal"}'], {
      start: anchor,
      end: anchor + 5 * 60_000,
    });

    expect(answer).toEqual(SERIES);
    expect(paths).toEqual(['/api/v1/series']);
    expect(seen[0]!.getAll('match[]')).toEqual(['{service_name="history"}', 'up{job="temporal"}']);
    expect(seen[0]!.get('start')).toBe((anchor / 1000).toFixed(3));
    expect(seen[0]!.get('end')).toBe(((anchor + 5_000) / 1000).toFixed(3));
  });
});
