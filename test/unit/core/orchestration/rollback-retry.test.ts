import * as fc from 'fast-check';
import {
  decideRollbackRetry,
  freshPollWindow,
  nextWindow,
  rollbackDeploymentChecks,
  type RollbackRetryInput,
} from '../../../../core/orchestration';
import type { CheckResult } from '../../../../core/report/types';
import type { EcsServiceLike } from '../../../../core/verify';

const TARGET = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-worker:1';
const ALLOY = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-worker:2';

const failedDeployment: CheckResult = {
  name: 'rollback-deployment',
  verdict: 'failed',
  message: 'deployment failed: ECS deployment circuit breaker: tasks failed to start. (0/2 running)',
  evidence: { query: 'DescribeServices temporal-dev-temporal-worker' },
  durationMs: 40_000,
  attempts: 4,
};

/** After a failed rollback deployment: PRIMARY is the target, FAILED; the Alloy tasks still run. */
function described(over: Partial<EcsServiceLike> = {}, primaryTd = TARGET): EcsServiceLike {
  return {
    serviceName: 'temporal-dev-temporal-worker',
    status: 'ACTIVE',
    deployments: [
      { status: 'PRIMARY', taskDefinition: primaryTd, rolloutState: 'FAILED', runningCount: 0 },
      { status: 'ACTIVE', taskDefinition: ALLOY, rolloutState: 'COMPLETED', runningCount: 2 },
    ],
    ...over,
  };
}

const input = (over: Partial<RollbackRetryInput> = {}): RollbackRetryInput => ({
  service: 'worker',
  target: TARGET,
  attempt: 1,
  failed: failedDeployment,
  earlier: [],
  current: described(),
  rollbackOf: { service: 'worker', check: 'logs', message: 'no lines from 2 of 2 tasks' },
  ...over,
});

describe('decideRollbackRetry', () => {
  it('the first attempt failed: deploy again as attempt 2, the failed one kept under its own name', () => {
    const decision = decideRollbackRetry(input());
    expect(decision).toMatchObject({ kind: 'retry', attempt: 2 });
    expect(decision.attempts).toHaveLength(1);
    expect(decision.attempts[0]).toMatchObject({
      name: 'rollback-deployment-attempt-1',
      verdict: 'failed',
      message: `attempt 1 of 3: ${failedDeployment.message}`,
      evidence: { rollbackAttempt: { attempt: 1, of: 3 } },
    });
  });

  it('the last attempt failed: gives up, names every attempt, and never claims ADOT', () => {
    const first = decideRollbackRetry(input());
    const second = decideRollbackRetry(input({ attempt: 2, earlier: first.attempts }));
    const third = decideRollbackRetry(input({ attempt: 3, earlier: second.attempts }));
    expect([first.kind, second.kind, third.kind]).toEqual(['retry', 'retry', 'give-up']);
    if (third.kind !== 'give-up') throw new Error('expected give-up');
    expect(third.reason).toBe('attempts-exhausted');
    expect(third.attempts.map((a) => [a.name, a.verdict])).toEqual([
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'failed'],
      ['rollback-deployment-attempt-3', 'failed'],
    ]);
    expect(third.check).toMatchObject({ name: 'rollback', verdict: 'failed' });
    expect(third.cause).toMatchObject({ service: 'worker', check: 'rollback' });
    // Honest about the state: the tasks may still be Alloy; and it says what the rollback was for.
    expect(third.cause.message).toMatch(/may still run Alloy/);
    expect(third.cause.message).toMatch(/not verified on ADOT/);
    expect(third.cause.message).toMatch(/because logs: no lines from 2 of 2 tasks/);
    expect(third.cause.message).not.toMatch(/back on ADOT/);
    expect(third.cause.evidence).toMatchObject({
      reason: 'attempts-exhausted',
      deployments: [
        { status: 'PRIMARY', taskDefinition: TARGET, rolloutState: 'FAILED', runningCount: 0 },
        { status: 'ACTIVE', taskDefinition: ALLOY, rolloutState: 'COMPLETED', runningCount: 2 },
      ],
    });
  });

  it('a service that is gone or draining: gives up at once, retrying cannot start a deployment', () => {
    for (const current of [undefined, described({ status: 'DRAINING' })]) {
      const decision = decideRollbackRetry(input({ current }));
      expect(decision).toMatchObject({ kind: 'give-up', reason: 'service-not-active' });
      // One attempt only: it keeps the name a rollback of one attempt always had.
      expect(decision.attempts.map((a) => a.name)).toEqual(['rollback-deployment']);
    }
  });

  it('someone deployed another revision over the rollback: gives up instead of undoing it', () => {
    const decision = decideRollbackRetry(input({ current: described({}, ALLOY.replace(':2', ':7')) }));
    expect(decision).toMatchObject({ kind: 'give-up', reason: 'replaced' });
    expect(decision.kind === 'give-up' && decision.cause.message).toMatch(/another deployment/);
  });

  it('the target named as family:revision still matches the PRIMARY ARN', () => {
    const decision = decideRollbackRetry(input({ target: 'temporal-dev-temporal-worker:1' }));
    expect(decision.kind).toBe('retry');
  });

  it('never retries past the bound, whatever the attempt and the bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        (attempt, maxAttempts) => {
          const decision = decideRollbackRetry(input({ attempt, maxAttempts }));
          expect(decision.kind).toBe(attempt < maxAttempts ? 'retry' : 'give-up');
          if (decision.kind === 'retry') expect(decision.attempt).toBeLessThanOrEqual(maxAttempts);
        },
      ),
    );
  });
});

describe('rollbackDeploymentChecks', () => {
  const passed: CheckResult = { ...failedDeployment, verdict: 'passed', message: 'deployment completed' };

  it('a rollback of one attempt keeps the name rollback-deployment', () => {
    expect(rollbackDeploymentChecks({ earlier: [], last: passed, attempt: 1 }).map((c) => c.name)).toEqual([
      'rollback-deployment',
    ]);
  });

  it('after a retry: the failed attempt, then the last one under its own name', () => {
    const retried = decideRollbackRetry(input());
    const checks = rollbackDeploymentChecks({ earlier: retried.attempts, last: passed, attempt: 2 });
    expect(checks.map((c) => [c.name, c.verdict, c.message])).toEqual([
      ['rollback-deployment-attempt-1', 'failed', `attempt 1 of 3: ${failedDeployment.message}`],
      ['rollback-deployment-attempt-2', 'passed', 'attempt 2 of 3: deployment completed'],
    ]);
  });
});

describe('freshPollWindow', () => {
  it("starts the new attempt's polls from its own start, the first poll counting as 1", () => {
    const opened = nextWindow(undefined, 5_000, 900_000);
    const fresh = freshPollWindow(opened);
    expect(fresh).toEqual({ startedAtMs: 5_000, allowanceMs: 900_000, attempts: 0 });
    expect(nextWindow(fresh, 6_000, 900_000).attempts).toBe(1);
  });
});
