import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { parsePlanOrThrow } from '../../../../core/plan/parse';
import { findService } from '../../../../core/plan/resolve';
import { migrate } from '../../../../core/taskdef';
import { handler as rollback } from '../../../../lambdas/handlers/rollback';
import { handler as verifyCloudWatch } from '../../../../lambdas/handlers/verify-cloudwatch';
import {
  HISTORY_ALLOY_TD,
  HISTORY_TD,
  describedHistory,
  event,
  historyItem,
  planDoc,
  sdkError,
  window,
} from '../fixtures';
import { stubRunningTask } from './support';
import { PARENT_LINK, useLiveParent } from './live-parent';

const ecs = mockClient(ECSClient);
const logs = mockClient(CloudWatchLogsClient);
useLiveParent();

/** What Verify leaves at `$.verify` when the logs check failed the migration. */
const failedVerify = {
  verdict: 'failed',
  check: { name: 'logs', verdict: 'failed', message: 'no lines', evidence: { lines: 0 }, durationMs: 9 },
  checks: [
    { name: 'deployment', verdict: 'passed', message: 'COMPLETED', evidence: {}, durationMs: 4 },
    { name: 'logs', verdict: 'failed', message: 'no lines', evidence: { lines: 0 }, durationMs: 9 },
    { name: 'metrics', verdict: 'passed', message: 'up', evidence: {}, durationMs: 7 },
  ],
  cause: { service: 'history', check: 'logs', message: 'no lines', evidence: { lines: 0 } },
  window: window(),
};

function migratedHistory() {
  const plan = parsePlanOrThrow(planDoc());
  const result = migrate(describedHistory() as never, findService(plan, 'history')!, plan, {});
  if (result.kind !== 'migrated') throw new Error('fixture not migrated');
  const { tags, ...body } = result.taskDefinition;
  return { taskDefinition: { ...body, taskDefinitionArn: HISTORY_ALLOY_TD, status: 'ACTIVE' }, tags };
}

beforeEach(() => {
  ecs.reset();
  logs.reset();
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: HISTORY_TD }).resolves(describedHistory() as never);
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: HISTORY_ALLOY_TD })
    .resolves(migratedHistory() as never);
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: { deployments: [{ id: 'ecs-svc/3', status: 'PRIMARY' }] } });
});

describe('Rollback select', () => {
  it('scope all: services migrated before the failing one, newest first', async () => {
    const worker = { ...historyItem, name: 'worker', ecsService: 'temporal-dev-temporal-worker' };
    const failure = {
      Error: 'States.TaskFailed',
      Cause: JSON.stringify({
        ExecutionArn: 'arn:c',
        Status: 'FAILED',
        Error: 'RolledBack',
        Cause: JSON.stringify({ service: 'history', check: 'logs', message: 'm' }),
      }),
    };
    const out = await rollback(
      event('select', {
        preflight: { work: [worker, historyItem] },
        run: { done: [[], { name: 'worker', outcome: 'migrated' }] },
        failure,
      }),
    );
    // The worker is item 0 of the work list: the parent looks it up there.
    expect(out).toMatchObject({ targets: [0], index: 0, count: 1, done: [] });
  });

  it('needs the caught failure', async () => {
    await expect(rollback(event('select', { preflight: { work: [] } }))).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('state.failure'),
    });
  });
});

describe('Rollback apply', () => {
  it('after a failed migration: baseline back on the service, missing log group created, cause kept', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: historyItem.ecsService, status: 'ACTIVE', taskDefinition: HISTORY_ALLOY_TD }],
    });
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: '/ecs/temporal-dev/temporal-history' })
      .resolves({ logGroups: [] });
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: '/ecs/temporal-dev/adot-sidecar' })
      .resolves({ logGroups: [{ logGroupName: '/ecs/temporal-dev/adot-sidecar', retentionInDays: 7 }] });
    const out = await rollback(
      event('apply', { ...PARENT_LINK, mode: 'service-migrate', service: historyItem, verify: failedVerify }),
    );
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      service: historyItem.ecsService,
      taskDefinition: HISTORY_TD,
    });
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(logs).toHaveReceivedCommandWith(CreateLogGroupCommand, {
      logGroupName: '/ecs/temporal-dev/temporal-history',
    });
    expect(logs).toHaveReceivedCommandWith(PutRetentionPolicyCommand, {
      logGroupName: '/ecs/temporal-dev/temporal-history',
      retentionInDays: 30,
    });
    // The existing group keeps its own retention.
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(1);
    expect(out).toMatchObject({
      taskDefinitionArn: HISTORY_TD,
      deploymentId: 'ecs-svc/3',
      rolledBackFrom: HISTORY_ALLOY_TD,
      cause: { service: 'history', check: 'logs' },
    });
    // VerifyCloudWatch reads the main container's group only: the collector's is not the plan's.
    expect((out as { logGroups: string[] }).logGroups).toEqual(['/ecs/temporal-dev/temporal-history']);
    expect(JSON.parse((out as { causeText: string }).causeText)).toEqual(failedVerify.cause);
  });

  it('manual rollback: registers revert(current, baseline) and carries no cause', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: historyItem.ecsService, status: 'ACTIVE', taskDefinition: HISTORY_ALLOY_TD }],
    });
    ecs.on(RegisterTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn:
          'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-history:9',
      },
    });
    logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix: string }) => ({
      logGroups: [{ logGroupName: input.logGroupNamePrefix }],
    }));
    const out = await rollback(
      event('apply', {
        ...PARENT_LINK,
        mode: 'service-rollback',
        reason: 'rollback',
        service: { ...historyItem, taskDefinitionArn: HISTORY_ALLOY_TD },
      }),
    );
    const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
    expect(registered.containerDefinitions?.map((c) => c.name)).toEqual([
      'temporal-history',
      'adot-collector',
    ]);
    expect(out).not.toHaveProperty('cause');
    expect(logs.commandCalls(CreateLogGroupCommand)).toHaveLength(0);
  });

  it('translates a missing service', async () => {
    ecs.on(DescribeServicesCommand).rejects(sdkError('ServiceNotFoundException'));
    await expect(
      rollback(event('apply', { ...PARENT_LINK, mode: 'service-rollback', service: historyItem })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundError' });
  });
});

describe('VerifyCloudWatch', () => {
  const rolledBack = {
    taskDefinitionArn: HISTORY_TD,
    deploymentId: 'ecs-svc/3',
    window: window(),
    startedAtMs: Date.now() - 5000,
    logGroups: ['/ecs/temporal-dev/temporal-history'],
  };
  beforeEach(() => stubRunningTask(ecs, HISTORY_TD));

  it("passes when every baseline task writes to CloudWatch again, and returns the service's summary", async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { logStreamName: 'temporal-history/temporal-history/0123456789abcdef', timestamp: Date.now() },
      ],
    });
    const out = await verifyCloudWatch(
      event('cloudwatch', { mode: 'service-rollback', service: historyItem, rollback: rolledBack }),
    );
    expect(out.verdict).toBe('passed');
    expect(out.summary).toMatchObject({
      name: 'history',
      outcome: 'rolled-back',
      taskDefinitionAfter: HISTORY_TD,
      finalCollector: 'adot',
      logsReceivedBy: 'cloudwatch',
    });
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, {
      logGroupName: '/ecs/temporal-dev/temporal-history',
      startTime: rolledBack.startedAtMs,
    });
  });

  it('after a failed migration: returns the Cause the child fails with, the compact cause and the record', async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { logStreamName: 'temporal-history/temporal-history/0123456789abcdef', timestamp: Date.now() },
      ],
    });
    const { cause } = failedVerify;
    const out = await verifyCloudWatch(
      event('cloudwatch', {
        mode: 'service-migrate',
        service: historyItem,
        verify: failedVerify,
        rollback: { ...rolledBack, cause },
      }),
    );
    const carried = JSON.parse(out.childCauseText ?? '{}') as Record<string, unknown>;
    expect(carried).toEqual({ ...cause, serviceReport: out.summary });
    // The migration's checks as Verify last saw them, then the rollback's.
    expect(out.summary?.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['deployment', 'passed'],
      ['logs', 'failed'],
      ['metrics', 'passed'],
      ['cloudwatch', 'passed'],
    ]);
  });

  it('a requested rollback has no child failure Cause', async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        { logStreamName: 'temporal-history/temporal-history/0123456789abcdef', timestamp: Date.now() },
      ],
    });
    const out = await verifyCloudWatch(
      event('cloudwatch', { mode: 'service-rollback', service: historyItem, rollback: rolledBack }),
    );
    expect(out.verdict).toBe('passed');
    expect(out.childCauseText).toBeUndefined();
  });

  it('nothing yet is pending', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const out = await verifyCloudWatch(
      event('cloudwatch', { mode: 'service-rollback', service: historyItem, rollback: rolledBack }),
    );
    expect(out.verdict).toBe('pending');
    expect(out.summary).toBeUndefined();
  });

  it('throttling is thrown for Retry', async () => {
    logs.on(FilterLogEventsCommand).rejects(sdkError('ThrottlingException'));
    await expect(
      verifyCloudWatch(
        event('cloudwatch', { mode: 'service-rollback', service: historyItem, rollback: rolledBack }),
      ),
    ).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});
