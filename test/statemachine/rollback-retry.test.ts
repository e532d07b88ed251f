import { ROLLBACK_DEPLOYMENT_ATTEMPTS } from '../../core/orchestration';
import type { ServiceReport } from '../../core/report/types';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';
import type { World } from './support/world';

const WORKER = 'temporal-dev-temporal-worker';

function entry(run: RunResult, name: string): ServiceReport {
  const found = run.report?.services.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} in the report`);
  return found;
}

const checksOf = (s: ServiceReport) => s.checks.map((c) => [c.name, c.verdict]);

/** What the worker's running tasks were started from, as the World's ECS would list them. */
const runningCollectors = (w: World) => [
  ...new Set(w.service(WORKER).tasks.map((t) => w.collectorOf(t.taskDefinitionArn))),
];

const updatesOf = (w: World, service: string) => w.calls.filter((c) => c.startsWith(`update ${service} `));

describe('rollout state machine: a failed rollback deployment is deployed again (real handlers)', () => {
  const world = useWorld();

  it('fails once: a forced second deployment of the baseline succeeds, and the report keeps the whole chain', async () => {
    const w = world();
    const baseline = w.service(WORKER).taskDefinition;
    w.faults = { logsMissing: ['worker'], rollbackDeployment: { [WORKER]: { failFirst: 1 } } };

    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(run.error).toBe('RolledBack');
    expect(run.report).toMatchObject({ status: 'ROLLED_BACK', cause: { service: 'worker', check: 'logs' } });
    const worker = entry(run, 'worker');
    expect(checksOf(worker)).toEqual([
      ['deployment', 'passed'],
      ['logs', 'failed'],
      ['metrics', 'passed'],
      ['alloy-health', 'passed'],
      ['no-error-burst', 'passed'],
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'passed'],
      ['cloudwatch', 'passed'],
    ]);
    expect(worker.checks.find((c) => c.name === 'rollback-deployment-attempt-1')?.message).toMatch(
      /^attempt 1 of 3: deployment failed: ECS deployment circuit breaker/,
    );
    expect(worker).toMatchObject({
      outcome: 'rolled-back',
      taskDefinitionAfter: baseline,
      finalCollector: 'adot',
    });
    // The retry is a new, forced deployment of the same revision: ECS starts none without force.
    expect(updatesOf(w, WORKER).slice(1)).toEqual([
      `update ${WORKER} ${baseline}`,
      `update ${WORKER} ${baseline} force`,
    ]);
    expect(runningCollectors(w)).toEqual(['adot']);
  });

  it('every attempt fails: RolloutFailed, each attempt named, and the service is not claimed to be on ADOT', async () => {
    const w = world();
    w.faults = { logsMissing: ['worker'], rollbackDeployment: { [WORKER]: 'FAILED' } };

    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(run.error).toBe('RolloutFailed');
    expect(run.report).toMatchObject({
      status: 'FAILED',
      lockReleased: true,
      cause: { service: 'worker', check: 'rollback' },
    });
    expect(run.report?.cause?.message).toMatch(/not completed after 3 deployment attempt/);
    expect(run.report?.cause?.message).toMatch(/not verified on ADOT.*logs:/s);
    const worker = entry(run, 'worker');
    expect(checksOf(worker)).toEqual([
      ['deployment', 'passed'],
      ['logs', 'failed'],
      ['metrics', 'passed'],
      ['alloy-health', 'passed'],
      ['no-error-burst', 'passed'],
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'failed'],
      ['rollback-deployment-attempt-3', 'failed'],
      ['rollback', 'failed'],
    ]);
    expect(worker.outcome).toBe('failed');
    expect(worker.finalCollector).toBeUndefined();
    expect(worker.finalLogDriver).toBeUndefined();
    expect(worker.logsReceivedBy).toBeUndefined();
    // Bounded: the first deployment and two forced ones, no more.
    expect(updatesOf(w, WORKER)).toHaveLength(1 + ROLLBACK_DEPLOYMENT_ATTEMPTS);
    // What the report must not hide: the task definition is the baseline, the tasks still Alloy.
    expect(w.collectorOf(w.service(WORKER).taskDefinition)).toBe('adot');
    expect(runningCollectors(w)).toEqual(['alloy']);
  });

  it('scope all: the rollback child of a service migrated earlier retries too and keeps its migration checks', async () => {
    const w = world();
    w.faults = { logsMissing: ['history'], rollbackDeployment: { [WORKER]: { failFirst: 1 } } };

    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(run.error).toBe('RolledBack');
    expect(checksOf(entry(run, 'worker'))).toEqual([
      ['deployment', 'passed'],
      ['logs', 'passed'],
      ['metrics', 'passed'],
      ['alloy-health', 'passed'],
      ['no-error-burst', 'passed'],
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'passed'],
      ['cloudwatch', 'passed'],
    ]);
    expect(entry(run, 'worker').outcome).toBe('rolled-back');
    expect(runningCollectors(w)).toEqual(['adot']);
  });

  it('scope all, the other rollback gives up: FAILED, its attempts reported, its migration no longer claimed', async () => {
    const w = world();
    w.faults = { logsMissing: ['history'], rollbackDeployment: { [WORKER]: 'FAILED' } };

    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(run.error).toBe('RolloutFailed');
    expect(run.report).toMatchObject({ status: 'FAILED', cause: { service: 'history', check: 'logs' } });
    const worker = entry(run, 'worker');
    expect(worker.outcome).toBe('failed');
    expect(worker.checks.map((c) => c.name)).toEqual([
      'deployment',
      'logs',
      'metrics',
      'alloy-health',
      'no-error-burst',
      'rollback-deployment-attempt-1',
      'rollback-deployment-attempt-2',
      'rollback-deployment-attempt-3',
      'rollback',
    ]);
    // It migrated, but after a failed rollback it is neither on Alloy nor on ADOT for sure.
    expect(worker.finalCollector).toBeUndefined();
    expect(entry(run, 'history')).toMatchObject({ outcome: 'rolled-back', finalCollector: 'adot' });
  });
});
