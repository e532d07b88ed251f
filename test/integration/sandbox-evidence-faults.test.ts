import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canaryLines, canaryPushStream } from '../../core/queries/logql';
import { seriesCountForService } from '../../core/queries/promql';
import { createAmpClient } from '../../lambdas/clients/amp';
import { createLokiClient } from '../../lambdas/clients/loki';
import { toNanos } from '../../lambdas/clients/time';
import { parseFaults } from '../../sandbox/faults';
import { startPrometheus } from '../../sandbox/prometheus';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';

/** The sandbox's own routes, reached with the clients the Lambdas use, over loopback HTTP. */
jest.setTimeout(60_000);

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('sandbox faults on the evidence (AMP and Loki answer, but not with the evidence)', () => {
  let sandbox: Sandbox | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('amp:baseline-error: every series count gets an execution error; other PromQL reaches the real Prometheus', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-amp-'));
    const work = dir;
    sandbox = await startSandbox({
      port: 0,
      faults: parseFaults(['amp:baseline-error']),
      ampWorkspaceId: 'ws-0a1b2c3d',
      metrics: () => startPrometheus({ dir: work, scrapeIntervalSeconds: 1 }),
    });
    expect(sandbox.ampQueryUrl).toBe(`${sandbox.url}/workspaces/ws-0a1b2c3d`);
    const amp = createAmpClient({ baseUrl: sandbox.ampQueryUrl ?? '', region: 'eu-west-1', credentials });

    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(amp.query(seriesCountForService('history'))).rejects.toMatchObject({
        name: 'DependencyRejectedError',
        message: expect.stringContaining(
          'HTTP 422: execution: query processing would load too many samples into memory in query execution',
        ) as unknown,
      });
    }
    await expect(amp.query('vector(7)')).resolves.toMatchObject({
      resultType: 'vector',
      samples: [{ labels: {}, value: 7 }],
    });
  });

  it('loki:canary-dropped: the canary push is acknowledged and never stored; other pushes are kept', async () => {
    sandbox = await startSandbox({ port: 0, faults: parseFaults(['loki:canary-dropped']) });
    const loki = createLokiClient({ baseUrl: sandbox.url });
    const pushedAtMs = Date.now();
    const marker = `canary ${pushedAtMs}`;
    await loki.push([canaryPushStream(marker, toNanos(pushedAtMs), { cluster: 'temporal-dev' })]);
    await loki.push([
      {
        stream: { service_name: 'history', cluster: 'temporal-dev' },
        values: [[toNanos(pushedAtMs), 'kept']],
      },
    ]);

    const window = { start: pushedAtMs - 60_000, end: pushedAtMs + 1_000, limit: 10 };
    const canary = await loki.queryRange(canaryLines(marker, { cluster: 'temporal-dev' }), window);
    const history = await loki.queryRange('{service_name="history"}', window);
    expect(canary).toEqual({ resultType: 'streams', streams: [] });
    expect(history).toMatchObject({ resultType: 'streams', streams: [{ entries: [{ line: 'kept' }] }] });
  });
});
