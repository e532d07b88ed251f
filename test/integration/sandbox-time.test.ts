import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_TABLE } from '../../lambdas/catalog';
import { now } from '../../lambdas/clock';
import { createAmpClient } from '../../lambdas/clients/amp';
import { applyEnv } from '../../sandbox/env';
import { startPrometheus } from '../../sandbox/prometheus';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { seedCluster } from '../../sandbox/seed';
import { exampleTaskDefinition } from './support/fixtures';
import { waitFor } from './support/wait';

/**
 * One simulated time for everything the Lambdas compare: their clock, ECS, CloudWatch Logs, Loki,
 * the lock table, the Step Functions history and (through the AMP stand-in) Prometheus. Nothing
 * here measures wall-clock durations; each check would fail if one side kept the wall clock.
 */
jest.setTimeout(60_000);

const SPEED = 50;
const CLUSTER = 'temporal-dev';
const HISTORY = 'temporal-dev-temporal-history';
const PROBE = 'arn:aws:lambda:eu-west-1:000000000000:function:time-probe';
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('the sandbox drives the Lambdas clock', () => {
  let dir: string;
  let sandbox: Sandbox;
  let restoreEnv: () => void;
  let ecs: ECSClient;
  let task: Task;
  let seededAt: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sandbox-time-'));
    const work = dir;
    sandbox = await startSandbox({
      port: 0,
      clockSpeed: SPEED,
      serviceAliases: { history: HISTORY },
      metrics: () => startPrometheus({ dir: work }),
      lambdaHandlers: { 'time-probe': () => Promise.resolve({ at: now() }) },
    });
    restoreEnv = applyEnv(sandbox.env);
    ecs = new ECSClient({ maxAttempts: 1 });
    // Puts the task's simulated start tens of seconds after the wall-clock instant of the same
    // number, so an instant Prometheus was asked about untranslated would land after its scrapes.
    await sandbox.clock.sleep(20_000);
    seededAt = now();
    seedCluster(sandbox, {
      cluster: CLUSTER,
      services: [{ serviceName: HISTORY, taskDefinition: exampleTaskDefinition('history'), desiredCount: 1 }],
    });
    task = await waitFor('the history task to run', async () => {
      const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: HISTORY }));
      if (!listed.taskArns?.length) return undefined;
      const described = await ecs.send(
        new DescribeTasksCommand({ cluster: CLUSTER, tasks: listed.taskArns }),
      );
      return described.tasks?.find((t) => t.lastStatus === 'RUNNING');
    });
    await sandbox.metricsSettled();
  });

  afterAll(async () => {
    ecs?.destroy();
    restoreEnv?.();
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the Lambdas clock at the sandbox speed, ahead of the wall clock', async () => {
    const before = sandbox.clock.now();
    const lambda = now();
    expect(lambda).toBeGreaterThanOrEqual(before);
    expect(lambda).toBeLessThanOrEqual(sandbox.clock.now());
    // 10 simulated seconds take at least 200 real ms, in which the simulated clock gains 49 x 200 ms.
    await sandbox.clock.sleep(10_000);
    expect(now() - Date.now()).toBeGreaterThanOrEqual(9_000);
  });

  it('stamps ECS tasks on that clock: created after seeding, running 20 simulated seconds later', () => {
    const createdAt = task.createdAt?.getTime() ?? Number.NaN;
    const startedAt = task.startedAt?.getTime() ?? Number.NaN;
    expect(createdAt).toBeGreaterThanOrEqual(seededAt);
    // Start-up is 20 s of simulated time; timers may fire a millisecond early, which is 50 ms here.
    expect(startedAt - createdAt).toBeGreaterThanOrEqual(20_000 - 100);
    expect(startedAt).toBeLessThanOrEqual(now());
  });

  it("writes the task's CloudWatch events inside a window read on that clock", async () => {
    const startedAt = task.startedAt?.getTime() ?? 0;
    const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
    try {
      const events = await waitFor('events since the task started', async () => {
        const out = await logs.send(
          new FilterLogEventsCommand({
            logGroupName: '/ecs/temporal-dev/temporal-history',
            startTime: startedAt,
            endTime: now(),
          }),
        );
        return out.events?.length ? out.events : undefined;
      });
      for (const e of events) expect(e.timestamp).toBeGreaterThanOrEqual(startedAt);
    } finally {
      logs.destroy();
    }
  });

  it('answers AMP queries about simulated instants, stamped as asked, with nothing before the task ran', async () => {
    const amp = createAmpClient({ baseUrl: sandbox.ampQueryUrl ?? '', region: 'eu-west-1', credentials });
    const taskId = task.taskArn?.split('/').at(-1);
    const startedAt = task.startedAt?.getTime() ?? 0;
    const at = now();
    const current = await amp.query('up{service_name="history"}', at);
    expect(current.resultType === 'vector' ? current.samples : current).toEqual([
      expect.objectContaining({
        timestampMs: at,
        value: 1,
        labels: expect.objectContaining({ task_id: taskId }),
      }),
    ]);
    // Ten simulated seconds before the task ran is a fifth of a real second before its first
    // scrape; read as a wall-clock instant it would be long after.
    const before = await amp.query('up{service_name="history"}', startedAt - 10_000);
    expect(before.resultType === 'vector' ? before.samples : before).toEqual([]);
    // A range from before the start: points from the start on only, on the simulated step's grid
    // (within the rounding of a real millisecond, SPEED simulated ones).
    const start = startedAt - 30_000;
    const range = await amp.queryRange('up{service_name="history"}', { start, end: at, stepMs: 10_000 });
    const stamps =
      range.resultType === 'matrix' ? (range.series[0]?.points ?? []).map((p) => p.timestampMs) : [];
    expect(stamps.length).toBeGreaterThan(0);
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(startedAt);
    const offGrid = stamps.map((t) => Math.abs(t - start - Math.round((t - start) / 10_000) * 10_000));
    expect(Math.max(...offGrid)).toBeLessThanOrEqual(SPEED);
  });

  it('keeps Loki default windows and lock expiry on that clock', async () => {
    const pushedAt = now();
    const push = await fetch(`${sandbox.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        streams: [
          { stream: { service_name: 'probe' }, values: [[`${pushedAt}000000`, 'at the lambda clock']] },
        ],
      }),
    });
    expect(push.status).toBe(204);
    // No start or end: Loki reads the last hour up to its own now, which must be the same time.
    const read = await fetch(
      `${sandbox.url}/loki/api/v1/query_range?${new URLSearchParams({ query: '{service_name="probe"}' })}`,
    );
    const body = (await read.json()) as { data: { result: { values: [string, string][] }[] } };
    expect(body.data.result.flatMap((r) => r.values)).toEqual([[`${pushedAt}000000`, 'at the lambda clock']]);

    const heldAt = now();
    sandbox.holdLock(CLUSTER);
    const item = sandbox.dynamodb.items(sandbox.lockTableName)[0];
    const ttl = item?.[LOCK_TABLE.ttlAttribute];
    const expiresMs = Number(ttl && 'N' in ttl ? ttl.N : Number.NaN) * 1000;
    // Whole seconds, six hours after the Lambdas' now (a wall-clock expiry would be hours short).
    expect(Math.abs(expiresMs - heldAt - 6 * 3600_000)).toBeLessThan(1_000 + SPEED);
  });

  it('records Step Functions history on that clock: the Lambda ran between its events, the Wait lasted 60 s', async () => {
    const sfn = new SFNClient({ endpoint: sandbox.url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    try {
      const definition = {
        StartAt: 'Probe',
        States: {
          Probe: { Type: 'Task', Resource: PROBE, Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 60, End: true },
        },
      };
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: 'time-probe',
          definition: JSON.stringify(definition),
          roleArn: 'arn:aws:iam::000000000000:role/sfn',
        }),
      );
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
      await waitFor('the execution to end', async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return d.status === 'RUNNING' ? undefined : d;
      });
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      const at = (type: string) => events.find((e) => e.type === type)?.timestamp?.getTime() ?? Number.NaN;
      const succeeded = events.find((e) => e.type === 'LambdaFunctionSucceeded');
      const probed = (
        JSON.parse(succeeded?.lambdaFunctionSucceededEventDetails?.output ?? '{}') as { at: number }
      ).at;
      expect(probed).toBeGreaterThanOrEqual(at('LambdaFunctionStarted'));
      expect(probed).toBeLessThanOrEqual(at('LambdaFunctionSucceeded'));
      expect(at('WaitStateExited') - at('WaitStateEntered')).toBeGreaterThanOrEqual(60_000 - 100);
    } finally {
      sfn.destroy();
    }
  });

  it('puts the clock it replaced back when it stops', async () => {
    const other = await startSandbox({ port: 0, clockSpeed: SPEED * 2 });
    await other.clock.sleep(10_000);
    expect(Math.abs(now() - other.clock.now())).toBeLessThan(1_000);
    await other.stop();
    expect(Math.abs(now() - sandbox.clock.now())).toBeLessThan(1_000);
  });
});

describe('after the sandbox stops', () => {
  it('the Lambdas read the wall clock again', async () => {
    const sandbox = await startSandbox({ port: 0, clockSpeed: SPEED });
    await sandbox.clock.sleep(10_000);
    await sandbox.stop();
    expect(Math.abs(now() - Date.now())).toBeLessThanOrEqual(5);
  });
});
