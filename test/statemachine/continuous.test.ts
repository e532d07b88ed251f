import type { ServiceReport } from '../../core/report/types';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';

const HISTORY = 'temporal-dev-temporal-history';

function historyOf(run: RunResult) {
  return run.report?.services.find((s) => s.name === 'history');
}

/** The states the child of `history` (the second service) went through, in order. */
function childStates(run: RunResult): string[] {
  const child = run.executions[2];
  return (child?.events ?? []).filter((e) => e.type === 'StateEntered').map((e) => e.state ?? '');
}

function checkOf(run: RunResult, name: string) {
  return historyOf(run)?.checks.find((c) => c.name === name);
}

describe('rollout state machine: continuous verification through the soak (real handlers)', () => {
  const world = useWorld();

  it('bad evidence while the deployment is still in progress fails the service at once', async () => {
    const w = world();
    // The new tasks run at once, but ECS would report COMPLETED only after 10 minutes.
    w.faults = { deployment: { [HISTORY]: { completeAfterMs: 600_000 } }, jsonBroken: ['history'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolledBack');
    expect(run.report?.cause).toMatchObject({ service: 'history', check: 'logs' });
    expect(run.report?.cause?.message).toMatch(/^JSON broken: .* of lines are not JSON in Loki/);
    // Judged before ECS said COMPLETED: the deployment check is still pending in the record.
    expect(checkOf(run, 'deployment')?.verdict).toBe('pending');
    // The rollback is the state right after the failed poll.
    const states = childStates(run);
    expect(states.slice(states.indexOf('Rollback') - 2, states.indexOf('Rollback') + 1)).toEqual([
      'Verify',
      'VerifyDone',
      'Rollback',
    ]);
    expect(states.filter((s) => s === 'Verify').length).toBeLessThanOrEqual(2);
  });

  it('a check that passed early and then fails inside the soak fails the service', async () => {
    const w = world();
    w.faults = { jsonBrokenAfterMs: { history: 25_000 } };
    const run = await runRollout({
      mode: 'migrate',
      plan: testPlan((p) => (p.verification.soak = '90s')),
    });
    expect(run.error).toBe('RolledBack');
    expect(run.report?.cause).toMatchObject({ service: 'history', check: 'logs' });
    const logs = checkOf(run, 'logs');
    expect(logs?.verdict).toBe('failed');
    // It had passed before: answered several times, passing since before the failure.
    const continuity = logs?.evidence.continuity as { answers: number; passingSince: string | null };
    expect(continuity.answers).toBeGreaterThan(1);
    expect(continuity.passingSince).not.toBeNull();
    // worker, migrated before, is rolled back too (scope all); nothing is left on Alloy.
    expect(w.collectorOf(w.service(HISTORY).taskDefinition)).toBe('adot');
  });

  it('a pending inside the soak is retried and reported; the service passes after a whole soak of passes again', async () => {
    const w = world();
    // up disappears 20 s after the tasks start, for 12 s: shorter than the 30 s allowed here.
    w.faults = { upGapMs: { history: [20_000, 32_000] } };
    const run = await runRollout({
      mode: 'migrate',
      plan: testPlan((p) => {
        p.verification.soak = '60s';
        p.verification.metrics.deadline = '30s';
      }),
      services: ['history'],
    });
    expect(run.status).toBe('SUCCEEDED');
    // The child's own record keeps every check whole (the parent keeps messages short, no evidence).
    const record = (run.executions[1]?.output as { report: ServiceReport }).report;
    const metrics = record.checks.find((c) => c.name === 'metrics');
    expect(metrics?.verdict).toBe('passed');
    expect(metrics?.message).toMatch(/interrupted 1 time\(s\), last at .*: pending: no up series yet/);
    const continuity = metrics?.evidence.continuity as { passingSince: string; interruptions: number };
    expect(continuity.interruptions).toBe(1);
    // The soak counted again from the pass after the gap: at least 60 s of passes before the verdict.
    const finishedAt = Date.parse(record.finishedAt ?? '');
    expect(finishedAt - Date.parse(continuity.passingSince)).toBeGreaterThanOrEqual(60_000);
  });

  it('a flapping check never passes', async () => {
    const w = world();
    w.faults = { upFlapping: ['history'] };
    const run = await runRollout({
      mode: 'migrate',
      plan: testPlan((p) => {
        p.verification.soak = '60s';
        p.verification.metrics.deadline = '30s';
      }),
      services: ['history'],
    });
    expect(run.error).toBe('RolledBack');
    expect(run.report?.cause).toMatchObject({ service: 'history', check: 'metrics' });
    expect(checkOf(run, 'metrics')?.message).toMatch(/interrupted \d+ time\(s\)/);
  });
});
