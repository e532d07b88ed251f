import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startPrometheus } from '../../sandbox/prometheus';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { seedCluster } from '../../sandbox/seed';
import { exampleTaskDefinition } from './support/fixtures';
import { waitFor } from './support/wait';

/** A real Prometheus (Debian package) scrapes the sandbox's ADOT tasks as their configs say. */
jest.setTimeout(90_000);

const HISTORY = 'temporal-dev-temporal-history';
const BENCH = 'temporal-dev-benchmark-worker';
const SPEED = 60;

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('sandbox ADOT tasks in a real Prometheus', () => {
  let dir: string;
  let sandbox: Sandbox | undefined;

  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('arrive with job "temporal", instance localhost:<port> and four samples per simulated minute per task', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sandbox-scrape-continuity-'));
    const started = await startSandbox({
      port: 0,
      clockSpeed: SPEED,
      serviceAliases: { history: HISTORY, 'benchmark-worker': BENCH },
      metrics: () => startPrometheus({ dir }),
    });
    sandbox = started;
    seedCluster(started, {
      cluster: 'temporal-dev',
      services: [
        { serviceName: HISTORY, taskDefinition: exampleTaskDefinition('history'), desiredCount: 2 },
        {
          serviceName: BENCH,
          taskDefinition: exampleTaskDefinition('benchmark-worker'),
          desiredCount: 1,
          metricsPort: 9091,
        },
      ],
    });
    await waitFor(
      'three running tasks',
      () => (started.workload.targets().length === 3 ? true : undefined),
      20_000,
    );
    await started.metricsSettled(30_000);
    const url = started.metricsBackend?.url as string;
    const query = async (promql: string): Promise<PromVector['data']['result']> => {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      return ((await res.json()) as PromVector).data.result;
    };
    // Three simulated minutes of samples: three real seconds at x60.
    await delay(3_500);
    const series = await query('service_requests{operation="StartWorkflowExecution"}');
    expect(series).toHaveLength(3);
    for (const s of series)
      expect(s.metric).toMatchObject({
        job: 'temporal',
        instance: s.metric['service_name'] === 'benchmark-worker' ? 'localhost:9091' : 'localhost:9090',
        task_id: expect.any(String),
      });
    // Two simulated minutes (two real seconds) per task: ADOT's 15 s interval gives 8.
    const counts = await query('count_over_time(service_requests{operation="StartWorkflowExecution"}[2s])');
    expect(counts).toHaveLength(3);
    for (const c of counts) {
      const perMinute = Number(c.value[1]) / 2;
      expect(perMinute).toBeGreaterThanOrEqual(3.5);
      expect(perMinute).toBeLessThanOrEqual(4.5);
    }
  });
});
