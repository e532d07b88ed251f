import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';
import type { Faults } from './support/world';

const HISTORY = 'temporal-dev-temporal-history';

function historyOf(run: RunResult) {
  return run.report?.services.find((s) => s.name === 'history');
}

describe("rollout state machine: the failing service's report is as complete as a migrated one", () => {
  const world = useWorld();

  it.each<{ name: string; faults: Faults; checks: [string, string][] }>([
    {
      name: 'logs missing',
      faults: { logsMissing: ['history'] },
      checks: [
        ['deployment', 'passed'],
        ['logs', 'failed'],
        ['metrics', 'passed'],
        ['alloy-health', 'passed'],
        ['no-error-burst', 'passed'],
        ['rollback-deployment', 'passed'],
        ['cloudwatch', 'passed'],
      ],
    },
    {
      name: 'metrics missing',
      faults: { metricsMissing: ['history'] },
      checks: [
        ['deployment', 'passed'],
        ['logs', 'passed'],
        ['metrics', 'failed'],
        ['alloy-health', 'failed'],
        ['no-error-burst', 'passed'],
        ['rollback-deployment', 'passed'],
        ['cloudwatch', 'passed'],
      ],
    },
    {
      name: 'deployment FAILED',
      faults: { deployment: { [HISTORY]: 'FAILED' } },
      checks: [
        ['deployment', 'failed'],
        ['rollback-deployment', 'passed'],
        ['cloudwatch', 'passed'],
      ],
    },
    {
      // Register raises and returns no check: the compact cause stands in for it.
      name: 'Register raising (SSM refuses the config)',
      faults: { ssmDenied: ['history'] },
      checks: [
        ['rollback-deployment', 'passed'],
        ['cloudwatch', 'passed'],
        ['register', 'failed'],
      ],
    },
  ])('$name: every check the child ran, the revision it ended on, timings', async ({ faults, checks }) => {
    const w = world();
    const baseline = w.service(HISTORY).taskDefinition;
    w.faults = faults;
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(run.error).toBe('RolledBack');
    const history = historyOf(run);
    expect(history?.checks.map((c) => [c.name, c.verdict])).toEqual(checks);
    expect(history).toMatchObject({
      outcome: 'rolled-back',
      taskDefinitionBefore: baseline,
      taskDefinitionAfter: baseline,
      finalCollector: 'adot',
      finalLogDriver: 'awslogs',
      logsReceivedBy: 'cloudwatch',
      startedAt: expect.any(String) as unknown,
      finishedAt: expect.any(String) as unknown,
    });
    // The service really ended there.
    expect(w.service(HISTORY).taskDefinition).toBe(baseline);
  });

  it("the execution's Cause stays compact; the child's Cause also carries the record", async () => {
    const w = world();
    w.faults = { logsMissing: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });

    expect(Object.keys(JSON.parse(run.cause ?? '{}') as object)).toEqual([
      'service',
      'check',
      'message',
      'evidence',
    ]);
    const child = run.executions.slice(1).find((e) => e.error === 'RolledBack');
    const childCause = JSON.parse(child?.cause ?? '{}') as Record<string, unknown>;
    expect(childCause).toMatchObject({
      service: 'history',
      check: 'logs',
      serviceReport: { name: 'history', outcome: 'rolled-back' },
    });
    expect(child?.cause?.length).toBeLessThanOrEqual(16_000);
    // The worker, rolled back by its own service-rollback child, keeps its full record too.
    const worker = run.report?.services.find((s) => s.name === 'worker');
    expect(worker?.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['deployment', 'logs', 'metrics', 'rollback-deployment', 'cloudwatch']),
    );
  });
});
