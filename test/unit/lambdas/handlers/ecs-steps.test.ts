import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { simulationAnswer } from '../../../support/iam-simulation';
import { workItemSchema } from '../../../../core/execution';
import { BASELINE_TAG } from '../../../../core/taskdef';
import { handler as deployment } from '../../../../lambdas/handlers/deployment';
import { handler as preflight } from '../../../../lambdas/handlers/preflight';
import { handler as register } from '../../../../lambdas/handlers/register';
import { handler as updateService } from '../../../../lambdas/handlers/update-service';
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
import { ampUnderAdot, serveFetch, useExampleCredentials, vectorAt } from './support';
import { PARENT_ARN, PARENT_LINK, useLiveParent } from './live-parent';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';

const ecs = mockClient(ECSClient);
const ssm = mockClient(SSMClient);
const iam = mockClient(IAMClient);
const logs = mockClient(CloudWatchLogsClient);
const parent = useLiveParent();
const service = (over: Record<string, unknown> = {}): Service =>
  ({
    serviceName: 'temporal-dev-temporal-history',
    status: 'ACTIVE',
    launchType: 'EC2',
    taskDefinition: HISTORY_TD,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: HISTORY_TD,
        rolloutState: 'COMPLETED',
        desiredCount: 2,
        runningCount: 2,
      },
    ],
    ...over,
  }) as Service;

beforeEach(() => {
  ecs.reset();
  ssm.reset();
  iam.reset();
  logs.reset();
  // Preflight's permission check: every role may do what the migration needs.
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => simulationAnswer(input));
});
afterEach(() => jest.restoreAllMocks());

describe('Preflight', () => {
  const input = (over: Record<string, unknown> = {}) => ({
    action: 'preflight',
    executionArn: 'arn:x',
    state: { mode: 'migrate', plan: planDoc(), services: ['history'], ...over },
  });

  it('records the baseline of a legacy service and its series count', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(DescribeTaskDefinitionCommand).resolves(describedHistory() as never);
    serveFetch((url, init) => vectorAt(url, init, [{ metric: {}, value: '120' }]));
    useExampleCredentials();
    const out = await preflight(input());
    // The baseline is the current revision, so the item leaves it out and the schema fills it in.
    const { baselineArn, ...written } = historyItem;
    expect(out.work).toEqual([written]);
    expect(workItemSchema.parse(out.work[0]).baselineArn).toBe(baselineArn);
    expect(out.timing).toEqual({ pollSeconds: 10, soakSeconds: 120 });
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: HISTORY_TD,
      include: ['TAGS'],
    });
  });

  it('refuses Fargate before anything changes', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ launchType: 'FARGATE' })] });
    await expect(preflight(input())).rejects.toMatchObject({
      name: 'UnmigratableError',
      message: expect.stringContaining('history: runs on Fargate'),
    });
  });

  it('names services that are not in the plan', async () => {
    await expect(preflight(input({ services: ['histroy'] }))).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('"histroy"'),
    });
  });

  it.each(['ServiceNotFoundException', 'ClusterNotFoundException'])('translates %s', async (name) => {
    ecs.on(DescribeServicesCommand).rejects(sdkError(name));
    await expect(preflight(input())).rejects.toMatchObject({ name: 'ServiceNotFoundError' });
  });

  it('reports a service missing from the cluster', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [
        {
          arn: 'arn:aws:ecs:eu-west-1:1:service/temporal-dev/temporal-dev-temporal-history',
          reason: 'MISSING',
        },
      ],
    });
    await expect(preflight(input())).rejects.toMatchObject({
      name: 'ServiceNotFoundError',
      message: expect.stringContaining('MISSING'),
    });
  });

  it('names a bad plan field', async () => {
    const plan = { ...planDoc(), region: 'Ireland' };
    await expect(preflight(input({ plan }))).rejects.toMatchObject({
      name: 'PlanInvalidError',
      message: expect.stringContaining('region'),
    });
  });
});

describe('Register', () => {
  it('refuses a child whose parent does not hold the lock, before any ECS call', async () => {
    const other = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:other';
    parent.ddb.on(GetItemCommand).resolves({ Item: { cluster: { S: 'temporal-dev' }, owner: { S: other } } });
    await expect(
      register(
        event('register', {
          ...PARENT_LINK,
          service: historyItem,
          timing: { pollSeconds: 10, soakSeconds: 0 },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ChildModeRefused',
      message: expect.stringContaining(`held by ${other}, not by the parent ${PARENT_ARN}`),
    });
    expect(ecs.calls()).toHaveLength(0);
  });

  it('stores the Alloy config and registers the definition tagged with its baseline', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(DescribeTaskDefinitionCommand).resolves(describedHistory() as never);
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: HISTORY_ALLOY_TD } });
    ssm.on(PutParameterCommand).resolves({});
    serveFetch(ampUnderAdot);
    useExampleCredentials();
    // What history wrote to CloudWatch before the switch: 3 plain lines among 30.
    logs.on(FilterLogEventsCommand).resolves({
      events: Array.from({ length: 30 }, (_, i) => ({ message: i < 3 ? 'panic: boom' : '{"level":"info"}' })),
    });
    const out = await register(
      event('register', {
        ...PARENT_LINK,
        service: historyItem,
        timing: { pollSeconds: 10, soakSeconds: 0 },
      }),
    );
    expect(out).toMatchObject({
      taskDefinitionArn: HISTORY_ALLOY_TD,
      baselineArn: HISTORY_TD,
      registered: true,
      logContainers: ['temporal-history'],
      baseline: {
        logs: { kind: 'measured', lines: 30, nonJsonLines: 3, share: 0.1 },
        // AMP under ADOT: two names, one target scraped every 15 s.
        metrics: { namesSeen: 2, cadence: { targets: 1, samplesPerMinute: 4 } },
      },
      progress: { step: 'register', status: 'ok' },
    });
    // The main container's own streams, over the logs check's window, before anything is stored.
    const read = logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(read).toMatchObject({
      logGroupName: '/ecs/temporal-dev/temporal-history',
      logStreamNamePrefix: 'temporal-history/temporal-history/',
    });
    expect((read.endTime ?? 0) - (read.startTime ?? 0)).toBe(300_000);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/alloy-rollout/temporal-dev/history/config.alloy',
      Overwrite: true,
    });
    const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
    expect(registered.tags).toContainEqual({ key: BASELINE_TAG, value: HISTORY_TD });
    expect(registered.containerDefinitions?.map((c) => c.name)).toContain('alloy');
  });

  it('rejects an event without the service', async () => {
    await expect(
      register(event('register', { ...PARENT_LINK, timing: { pollSeconds: 1, soakSeconds: 0 } })),
    ).rejects.toMatchObject({ name: 'InputInvalidError', message: expect.stringContaining('state.service') });
  });

  it('translates an access denial on SSM', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(DescribeTaskDefinitionCommand).resolves(describedHistory() as never);
    ssm.on(PutParameterCommand).rejects(sdkError('AccessDeniedException', 403));
    serveFetch(ampUnderAdot);
    useExampleCredentials();
    await expect(
      register(
        event('register', {
          ...PARENT_LINK,
          service: historyItem,
          timing: { pollSeconds: 10, soakSeconds: 0 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'DependencyRejectedError' });
  });
});

describe('UpdateService', () => {
  it('points the service at the new revision and returns the deployment to watch', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs
      .on(UpdateServiceCommand)
      .resolves({ service: { deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] } });
    const out = await updateService(
      event('migrate', { service: historyItem, register: { taskDefinitionArn: HISTORY_ALLOY_TD } }),
    );
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: 'temporal-dev',
      service: 'temporal-dev-temporal-history',
      taskDefinition: HISTORY_ALLOY_TD,
    });
    expect(out).toMatchObject({
      taskDefinitionArn: HISTORY_ALLOY_TD,
      deploymentId: 'ecs-svc/2',
      window: { allowanceMs: 15 * 60_000, attempts: 1 },
    });
  });

  it('starts no deployment when the service already runs it', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          taskDefinition: HISTORY_ALLOY_TD,
          deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: HISTORY_ALLOY_TD }],
        }),
      ],
    });
    const out = await updateService(
      event('migrate', { service: historyItem, register: { taskDefinitionArn: HISTORY_ALLOY_TD } }),
    );
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(out.progress.status).toBe('skipped');
  });
});

describe('Deployment', () => {
  // Deployment now watches only the deployment a rollback started (action `rollback`, the target at
  // `state.rollback`, the previous poll at `state.rollbackDeployment`). The action `migrate` and its
  // `state.update` / `state.deployment` are gone: Verify watches a migration's deployment together
  // with the checks (see the Verify tests in loki-and-checks.test.ts).
  const rollback = { taskDefinitionArn: HISTORY_TD, deploymentId: 'ecs-svc/3', window: window() };
  const primary = (rolloutState: string) =>
    service({
      taskDefinition: HISTORY_TD,
      deployments: [
        {
          id: 'ecs-svc/3',
          status: 'PRIMARY',
          taskDefinition: HISTORY_TD,
          rolloutState,
          rolloutStateReason: 'circuit breaker',
          desiredCount: 2,
          runningCount: 0,
        },
      ],
    });

  it('COMPLETED passes', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [primary('COMPLETED')] });
    await expect(deployment(event('rollback', { service: historyItem, rollback }))).resolves.toMatchObject({
      verdict: 'passed',
      check: { name: 'rollback-deployment', verdict: 'passed' },
    });
  });

  it('IN_PROGRESS is pending before the deadline', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [primary('IN_PROGRESS')] });
    await expect(deployment(event('rollback', { service: historyItem, rollback }))).resolves.toMatchObject({
      verdict: 'pending',
    });
  });

  it('IN_PROGRESS past the deadline fails with a cause', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [primary('IN_PROGRESS')] });
    const late = { startedAtMs: Date.now() - 120_000, allowanceMs: 60_000, attempts: 3 };
    // A later poll: the window carried from the previous one still counts from the rollback.
    const out = await deployment(
      event('rollback', {
        service: historyItem,
        rollback: { ...rollback, window: late },
        rollbackDeployment: { window: late },
      }),
    );
    expect(out.verdict).toBe('failed');
    expect(out.window).toMatchObject({ startedAtMs: late.startedAtMs, attempts: 4 });
    expect(JSON.parse(out.causeText!)).toMatchObject({ service: 'history', check: 'rollback-deployment' });
  });

  it('FAILED fails at once', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [primary('FAILED')] });
    const out = await deployment(event('rollback', { service: historyItem, rollback }));
    expect(out).toMatchObject({
      verdict: 'failed',
      cause: { service: 'history', check: 'rollback-deployment' },
    });
  });

  it('watches the rollback deployment under its own name', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    const out = await deployment(event('rollback', { service: historyItem, rollback }));
    expect(out).toMatchObject({ verdict: 'passed', check: { name: 'rollback-deployment' } });
  });

  it('needs the deployment to watch', async () => {
    await expect(deployment(event('rollback', { service: historyItem }))).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringContaining('state.rollback'),
    });
  });

  it('translates throttling', async () => {
    ecs.on(DescribeServicesCommand).rejects(sdkError('ThrottlingException'));
    await expect(deployment(event('rollback', { service: historyItem, rollback }))).rejects.toMatchObject({
      name: 'ThrottledError',
    });
  });
});
