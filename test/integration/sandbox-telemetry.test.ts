import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parsePlanTextOrThrow } from '../../core/plan/parse-text';
import { findService } from '../../core/plan/resolve';
import { upByTask } from '../../core/queries/promql';
import { migrate } from '../../core/taskdef';
import { applyEnv } from '../../sandbox/env';
import { parseFaults } from '../../sandbox/faults';
import { startPrometheus } from '../../sandbox/prometheus';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { seedCluster } from '../../sandbox/seed';
import { exampleTaskDefinition, ROOT } from './support/fixtures';
import { waitFor } from './support/wait';

const plan = parsePlanTextOrThrow(readFileSync(path.join(ROOT, 'examples', 'plan.yaml'), 'utf8'));
const HISTORY = 'temporal-dev-temporal-history';

async function lokiStreams(
  sandbox: Sandbox,
  query: string,
): Promise<{ stream: Record<string, string>; values: [string, string][] }[]> {
  const url = new URL('/loki/api/v1/query_range', sandbox.url);
  url.searchParams.set('query', query);
  // Every line since the sandbox started: lines carry its simulated time, which runs ahead of the
  // wall clock (the two meet at the clock's anchor).
  url.searchParams.set('start', String(Math.floor(sandbox.clock.anchor) * 1e6));
  url.searchParams.set('end', String((sandbox.clock.now() + 1_000) * 1e6));
  url.searchParams.set('limit', '1000');
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`Loki answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as {
    data: { result: { stream: Record<string, string>; values: [string, string][] }[] };
  };
  return body.data.result;
}

/** Migrates history the way the Register and UpdateService steps do, through the SDK. */
async function migrateHistory(sandbox: Sandbox, ecs: ECSClient, ssm: SSMClient): Promise<void> {
  const current = sandbox.ecs.taskDefinitions.resolve('temporal-dev-temporal-history');
  const described = { taskDefinition: JSON.parse(JSON.stringify({ ...current, registeredAt: undefined })) };
  const service = findService(plan, 'history');
  if (!service) throw new Error('history missing from the example plan');
  const result = migrate(described, service, plan, { baselineArn: current.taskDefinitionArn });
  if (result.kind !== 'migrated') throw new Error(result.reason);
  await ssm.send(
    new PutParameterCommand({
      Name: result.configParameter,
      Value: result.alloyConfig,
      Type: 'String',
      Overwrite: true,
      Tier: result.alloyConfig.length > 4096 ? 'Advanced' : 'Standard',
    }),
  );
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(result.taskDefinition as never));
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'temporal-dev',
      service: HISTORY,
      taskDefinition: registered.taskDefinition?.taskDefinitionArn,
    }),
  );
}

async function waitCompleted(ecs: ECSClient, service: string): Promise<string> {
  return waitFor(`${service} deployment COMPLETED`, async () => {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'temporal-dev', services: [service] }));
    const primary = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.rolloutState === 'FAILED')
      throw new Error(`deployment FAILED: ${primary.rolloutStateReason ?? ''}`);
    return primary?.rolloutState === 'COMPLETED' && out.services?.[0]?.deployments?.length === 1
      ? (primary.taskDefinition as string)
      : undefined;
  });
}

describe('sandbox telemetry of simulated tasks', () => {
  let sandbox: Sandbox;
  let restore: () => void;
  let ecs: ECSClient;
  let ssm: SSMClient;

  let prometheusDir: string | undefined;

  /** With `prometheusDir`, a real Prometheus scrapes the tasks (every second), as in a rehearsal. */
  async function start(faults: string[] = []): Promise<void> {
    const metricsDir = prometheusDir;
    sandbox = await startSandbox({
      port: 0,
      clockSpeed: 200,
      faults: parseFaults(faults),
      serviceAliases: { history: HISTORY },
      ...(metricsDir
        ? { metrics: () => startPrometheus({ dir: metricsDir, scrapeIntervalSeconds: 1 }) }
        : {}),
    });
    restore = applyEnv(sandbox.env);
    ecs = new ECSClient({ maxAttempts: 1 });
    ssm = new SSMClient({ maxAttempts: 1 });
    seedCluster(sandbox, {
      cluster: 'temporal-dev',
      services: [{ serviceName: HISTORY, taskDefinition: exampleTaskDefinition('history'), desiredCount: 2 }],
    });
    await waitCompleted(ecs, HISTORY);
  }

  afterEach(async () => {
    ecs?.destroy();
    ssm?.destroy();
    restore?.();
    await sandbox?.stop();
    if (prometheusDir) await rm(prometheusDir, { recursive: true, force: true });
    prometheusDir = undefined;
  });

  it('awslogs tasks write JSON lines to their CloudWatch log group, one stream per task', async () => {
    await start();
    const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
    try {
      const tasks = await ecs.send(new ListTasksCommand({ cluster: 'temporal-dev', serviceName: HISTORY }));
      const ids = (tasks.taskArns ?? []).map((arn) => arn.split('/').at(-1) as string);
      const events = await waitFor('lines from both tasks', async () => {
        const out = await logs.send(
          new FilterLogEventsCommand({ logGroupName: '/ecs/temporal-dev/temporal-history' }),
        );
        const streams = new Set(out.events?.map((e) => e.logStreamName));
        return ids.every((id) => streams.has(`temporal-history/temporal-history/${id}`))
          ? out.events
          : undefined;
      });
      const first = JSON.parse(events?.[0]?.message ?? '{}') as Record<string, unknown>;
      expect(first).toMatchObject({ level: expect.any(String), msg: expect.any(String), service: 'history' });
      const filtered = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: '/ecs/temporal-dev/temporal-history',
          filterPattern: '{ $.level = "warn" }',
        }),
      );
      expect(
        filtered.events?.every((e) => (JSON.parse(e.message ?? '{}') as { level: string }).level === 'warn'),
      ).toBe(true);
    } finally {
      logs.destroy();
    }
  });

  it('migrated tasks ship to Loki with exactly the labels their Alloy config declares, and stop writing to CloudWatch', async () => {
    await start();
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'temporal-dev', serviceName: HISTORY }));
    const ids = (tasks.taskArns ?? []).map((arn) => arn.split('/').at(-1) as string).sort();
    const streams = await waitFor('Loki streams of both new tasks', async () => {
      const result = await lokiStreams(sandbox, '{service_name="history"}');
      const seen = [...new Set(result.map((s) => s.stream['task_id']))].sort();
      return JSON.stringify(seen) === JSON.stringify(ids) ? result : undefined;
    });
    for (const s of streams) {
      expect(Object.keys(s.stream).sort()).toEqual([
        'cluster',
        'container_name',
        'level',
        'service_name',
        'task_id',
      ]);
      expect(s.stream).toMatchObject({ cluster: 'temporal-dev', container_name: 'temporal-history' });
      for (const [, line] of s.values) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
    try {
      for (const id of ids) {
        const out = await logs.send(
          new FilterLogEventsCommand({
            logGroupName: '/ecs/temporal-dev/temporal-history',
            logStreamNamePrefix: `temporal-history/temporal-history/${id}`,
          }),
        );
        expect(out.events).toEqual([]);
      }
    } finally {
      logs.destroy();
    }
  });

  it('faults change what the sidecar ships: a missing label, broken JSON, no logs at all', async () => {
    await start(['history:missing-label=level', 'history:broken-json']);
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    const streams = await waitFor('Loki streams', async () => {
      const r = await lokiStreams(sandbox, '{service_name="history"}');
      return r.length > 0 ? r : undefined;
    });
    expect(streams.every((s) => !('level' in s.stream))).toBe(true);
    expect(
      streams
        .flatMap((s) => s.values)
        .some(([, line]) => {
          try {
            JSON.parse(line);
            return false;
          } catch {
            return true;
          }
        }),
    ).toBe(true);
  });

  it('under the no-logs fault the migrated tasks run, but their sidecar ships nothing to Loki', async () => {
    await start(['history:no-logs']);
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    // Let the new tasks emit a few rounds of lines.
    await sandbox.clock.sleep(60_000);
    expect(await lokiStreams(sandbox, '{service_name="history"}')).toEqual([]);
  });

  it('broken-json-after: each migrated task ships JSON lines first, then lines that are not JSON', async () => {
    await start(['history:broken-json-after=60s']);
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'temporal-dev', serviceName: HISTORY }));
    const ids = (tasks.taskArns ?? []).map((arn) => arn.split('/').at(-1) as string).sort();
    const isJson = (line: string) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    };
    // Lines of each task in the order written (the sequence is the timestamp).
    const byTask = await waitFor(
      'broken lines from both new tasks',
      async () => {
        const result = await lokiStreams(sandbox, '{service_name="history"}');
        const lines = new Map<string, [string, string][]>();
        for (const s of result) {
          const id = s.stream['task_id'] ?? '';
          lines.set(id, [...(lines.get(id) ?? []), ...s.values]);
        }
        const done = ids.every((id) => lines.get(id)?.some(([, line]) => !isJson(line)));
        return done ? lines : undefined;
      },
      30_000,
    );
    for (const id of ids) {
      const lines = [...(byTask.get(id) ?? [])].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const firstBroken = lines.findIndex(([, line]) => !isJson(line));
      expect(firstBroken).toBeGreaterThan(0);
      expect(lines.slice(0, firstBroken).every(([, line]) => isJson(line))).toBe(true);
      expect(lines.slice(firstBroken).every(([, line]) => !isJson(line))).toBe(true);
    }
  });

  it("flapping-metrics: a migrated task's metrics endpoint answers, then fails with HTTP 500, then answers again", async () => {
    await start(['history:flapping-metrics']);
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'temporal-dev', serviceName: HISTORY }));
    const id = (tasks.taskArns?.[0] ?? '').split('/').at(-1) as string;
    // Each change of answer, in order.
    const answers: { status: number; body: string }[] = [];
    await waitFor(
      'answered, failed, answered',
      async () => {
        const res = await fetch(new URL(`/_tasks/${id}/metrics`, sandbox.url));
        const answer = { status: res.status, body: await res.text() };
        if (answers.at(-1)?.status !== answer.status) answers.push(answer);
        return answers.length >= 3 ? true : undefined;
      },
      30_000,
    );
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 500, 200]);
    expect(answers[0]?.body).toContain('service_requests');
    expect(answers[1]?.body).toContain('collector unavailable (injected fault: flapping-metrics)');
  });

  it('flapping-metrics: Prometheus records the migrated task down (up 0), then up again', async () => {
    prometheusDir = await mkdtemp(path.join(tmpdir(), 'sandbox-flapping-'));
    await start(['history:flapping-metrics']);
    await migrateHistory(sandbox, ecs, ssm);
    await waitCompleted(ecs, HISTORY);
    const tasks = await ecs.send(new ListTasksCommand({ cluster: 'temporal-dev', serviceName: HISTORY }));
    const id = (tasks.taskArns?.[0] ?? '').split('/').at(-1) as string;
    const url = new URL(`${sandbox.ampQueryUrl ?? ''}/api/v1/query`);
    url.searchParams.set('query', upByTask('history'));
    // Each change of the task's `up`, in order. The first scrape is answered (see the unit tests),
    // but whether this loop reads it before the next scrape depends on the machine's speed.
    const values: string[] = [];
    await waitFor(
      'up 0, then 1',
      async () => {
        const body = (await (await fetch(url)).json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        const up = body.data.result.find((r) => r.metric['task_id'] === id)?.value[1];
        if (up !== undefined && values.at(-1) !== up) values.push(up);
        const down = values.indexOf('0');
        return down >= 0 && values.includes('1', down) ? true : undefined;
      },
      45_000,
    );
    expect(values.slice(values.indexOf('0'), values.indexOf('0') + 2)).toEqual(['0', '1']);
  }, 60_000);

  it('awslogs tasks whose log group is missing fail to start (the rollback must create the group)', async () => {
    sandbox = await startSandbox({ port: 0, clockSpeed: 200 });
    restore = applyEnv(sandbox.env);
    ecs = new ECSClient({ maxAttempts: 1 });
    ssm = new SSMClient({ maxAttempts: 1 });
    sandbox.ecs.createCluster('temporal-dev');
    const td = exampleTaskDefinition('history') as {
      taskDefinition: { containerDefinitions: { logConfiguration?: { options: Record<string, string> } }[] };
    };
    for (const c of td.taskDefinition.containerDefinitions)
      delete c.logConfiguration?.options['awslogs-create-group'];
    seedCluster(sandbox, { cluster: 'temporal-dev', services: [] });
    const registered = sandbox.ecs.taskDefinitions.register(
      JSON.parse(
        JSON.stringify({
          ...td.taskDefinition,
          taskDefinitionArn: undefined,
          revision: undefined,
          status: undefined,
          requiresAttributes: undefined,
          compatibilities: undefined,
          registeredAt: undefined,
          registeredBy: undefined,
        }),
      ) as Record<string, unknown>,
    );
    sandbox.ssm.put({ name: '/temporal-dev/adot/sidecar/history', value: 'receivers: {}' });
    sandbox.ecs.createService({
      cluster: 'temporal-dev',
      serviceName: HISTORY,
      taskDefinition: registered.taskDefinitionArn,
      desiredCount: 1,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
    });
    const reason = await waitFor(
      'a task stopped for the missing group',
      () => [...sandbox.ecs.scheduler.tasks.values()].find((t) => t.lastStatus === 'STOPPED')?.stoppedReason,
    );
    expect(reason).toContain('The specified log group does not exist');
  });
});

describe('sandbox CloudWatch Logs, DynamoDB, SSM and Secrets Manager APIs', () => {
  let sandbox: Sandbox;
  let restore: () => void;
  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    restore = applyEnv(sandbox.env);
  });
  afterEach(async () => {
    restore();
    await sandbox.stop();
  });

  it('CloudWatch Logs: groups are unique, retention takes the service values only', async () => {
    const logs = new CloudWatchLogsClient({ maxAttempts: 1 });
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/x' }));
      await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/x' }))).rejects.toMatchObject({
        name: 'ResourceAlreadyExistsException',
      });
      await expect(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/x', retentionInDays: 31 })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/x', retentionInDays: 30 }));
      await expect(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ecs/none', retentionInDays: 30 })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      logs.destroy();
    }
  });

  it('DynamoDB: the lock item is taken once, re-taken after expiry, deleted only by its owner', async () => {
    const ddb = new DynamoDBClient({ maxAttempts: 1 });
    const put = (owner: string, now: number) =>
      ddb.send(
        new PutItemCommand({
          TableName: sandbox.lockTableName,
          Item: { cluster: { S: 'temporal-dev' }, owner: { S: owner }, expiresAt: { N: String(now + 100) } },
          ConditionExpression: 'attribute_not_exists(#c) OR #e < :now',
          ExpressionAttributeNames: { '#c': 'cluster', '#e': 'expiresAt' },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
    try {
      await put('a', 1000);
      await expect(put('b', 1050)).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
        $metadata: { httpStatusCode: 400 },
      });
      await put('b', 1200);
      const got = await ddb.send(
        new GetItemCommand({ TableName: sandbox.lockTableName, Key: { cluster: { S: 'temporal-dev' } } }),
      );
      expect(got.Item?.['owner']).toEqual({ S: 'b' });
      const del = (owner: string) =>
        ddb.send(
          new DeleteItemCommand({
            TableName: sandbox.lockTableName,
            Key: { cluster: { S: 'temporal-dev' } },
            ConditionExpression: '#o = :o',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':o': { S: owner } },
          }),
        );
      await expect(del('a')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await del('b');
      expect(
        (
          await ddb.send(
            new GetItemCommand({ TableName: sandbox.lockTableName, Key: { cluster: { S: 'temporal-dev' } } }),
          )
        ).Item,
      ).toBeUndefined();
      await expect(
        ddb.send(new GetItemCommand({ TableName: 'missing', Key: { cluster: { S: 'x' } } })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      ddb.destroy();
    }
  });

  it('SSM: overwrite is explicit and standard-tier values are limited to 4096 characters', async () => {
    const ssm = new SSMClient({ maxAttempts: 1 });
    try {
      await ssm.send(new PutParameterCommand({ Name: '/a/b', Value: 'one', Type: 'String' }));
      await expect(
        ssm.send(new PutParameterCommand({ Name: '/a/b', Value: 'two', Type: 'String' })),
      ).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
      const v2 = await ssm.send(
        new PutParameterCommand({ Name: '/a/b', Value: 'two', Type: 'String', Overwrite: true }),
      );
      expect(v2).toMatchObject({ Version: 2, Tier: 'Standard' });
      await expect(
        ssm.send(new PutParameterCommand({ Name: '/big', Value: 'x'.repeat(5000), Type: 'String' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      await ssm.send(
        new PutParameterCommand({ Name: '/big', Value: 'x'.repeat(5000), Type: 'String', Tier: 'Advanced' }),
      );
      expect((await ssm.send(new GetParameterCommand({ Name: '/a/b' }))).Parameter).toMatchObject({
        Value: 'two',
        Version: 2,
      });
      await expect(ssm.send(new GetParameterCommand({ Name: '/none' }))).rejects.toMatchObject({
        name: 'ParameterNotFound',
      });
    } finally {
      ssm.destroy();
    }
  });

  it('Secrets Manager: GetSecretValue by name or full ARN', async () => {
    const secret = sandbox.secrets.create('loki-auth', '{"username":"u","password":"p"}');
    const sm = new SecretsManagerClient({ maxAttempts: 1 });
    try {
      expect((await sm.send(new GetSecretValueCommand({ SecretId: secret.arn }))).SecretString).toBe(
        '{"username":"u","password":"p"}',
      );
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'loki-auth' }))).ARN).toBe(secret.arn);
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    } finally {
      sm.destroy();
    }
  });
});
