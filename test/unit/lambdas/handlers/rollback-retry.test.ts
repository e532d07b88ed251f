import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describeCaught } from '../../../../core/orchestration';
import { handler as rollback } from '../../../../lambdas/handlers/rollback';
import { HISTORY_ALLOY_TD, HISTORY_TD, event, historyItem, window } from '../fixtures';

const ecs = mockClient(ECSClient);
const logs = mockClient(CloudWatchLogsClient);
const GROUP = '/ecs/temporal-dev/temporal-history';

const failedCheck = {
  name: 'rollback-deployment',
  verdict: 'failed',
  message: 'deployment failed: ECS deployment circuit breaker: tasks failed to start.',
  evidence: { query: 'DescribeServices temporal-dev-temporal-history' },
  durationMs: 30_000,
};

const logsCheck = { ...failedCheck, name: 'logs', message: 'no lines', evidence: { lines: 0 } };
/** What Verify leaves at `$.verify` when the logs check failed the migration. */
const failedVerify = {
  verdict: 'failed',
  check: logsCheck,
  checks: [
    { name: 'deployment', verdict: 'passed', message: 'COMPLETED', evidence: {}, durationMs: 4 },
    logsCheck,
  ],
  cause: { service: 'history', check: 'logs', message: 'no lines', evidence: logsCheck.evidence },
};

/** Child state after attempt `attempt` of the rollback deployment failed. */
function afterFailedAttempt(attempt: number, failedAttempts: unknown[] = []) {
  return event('retry', {
    mode: 'service-migrate',
    service: historyItem,
    verify: failedVerify,
    rollback: {
      taskDefinitionArn: HISTORY_TD,
      deploymentId: 'ecs-svc/2',
      window: window(),
      startedAtMs: Date.now() - 60_000,
      logGroups: [GROUP],
      attempt,
      failedAttempts,
      cause: failedVerify.cause,
    },
    rollbackDeployment: { verdict: 'failed', check: failedCheck, window: window() },
  });
}

beforeEach(() => {
  ecs.reset();
  logs.reset();
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: 'temporal-dev-temporal-history',
        status: 'ACTIVE',
        taskDefinition: HISTORY_TD,
        deployments: [
          { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: HISTORY_TD, rolloutState: 'FAILED' },
          { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: HISTORY_ALLOY_TD, runningCount: 2 },
        ],
      },
    ],
  });
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: { deployments: [{ id: 'ecs-svc/3', status: 'PRIMARY' }] } });
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP, retentionInDays: 30 }] });
  logs.on(CreateLogGroupCommand).resolves({});
  logs.on(PutRetentionPolicyCommand).resolves({});
});

describe('Rollback retry', () => {
  it('forces a new deployment of the same target and hands DeploymentPoll a fresh window', async () => {
    const out = await rollback(afterFailedAttempt(1));

    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      service: 'temporal-dev-temporal-history',
      taskDefinition: HISTORY_TD,
      forceNewDeployment: true,
    });
    expect(out).toMatchObject({
      taskDefinitionArn: HISTORY_TD,
      deploymentId: 'ecs-svc/3',
      attempt: 2,
      failedAttempts: [{ name: 'rollback-deployment-attempt-1', verdict: 'failed' }],
      pollReset: { window: { attempts: 0 } },
      cause: { check: 'logs' },
    });
    expect(out).not.toHaveProperty('gaveUp');
  });

  it('after the last attempt: no deployment, a Cause with the whole chain and no claim of ADOT', async () => {
    const earlier = [1, 2].map((n) => ({ ...failedCheck, name: `rollback-deployment-attempt-${n}` }));
    const out = (await rollback(afterFailedAttempt(3, earlier))) as {
      gaveUp?: boolean;
      childCauseText: string;
    };

    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(out.gaveUp).toBe(true);
    const described = describeCaught({ Error: 'RolloutFailed', Cause: out.childCauseText });
    expect(described.cause).toMatchObject({ service: 'history', check: 'rollback' });
    expect(described.serviceReport?.checks.map((c) => c.name)).toEqual([
      'deployment',
      'logs',
      'rollback-deployment-attempt-1',
      'rollback-deployment-attempt-2',
      'rollback-deployment-attempt-3',
      'rollback',
    ]);
    expect(described.serviceReport).toMatchObject({ outcome: 'failed' });
    expect(described.serviceReport).not.toHaveProperty('finalCollector');
  });

  it('needs the failed check it retries', async () => {
    const bad = afterFailedAttempt(1);
    delete (bad.state as Record<string, unknown>).rollbackDeployment;
    await expect(rollback(bad)).rejects.toMatchObject({ name: 'InputInvalidError' });
  });
});
