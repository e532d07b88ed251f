import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';

/** The canary phase (worker) with a shadow step short enough for the fake clock; the rest disabled. */
function shadowPlan() {
  return testPlan((plan) => {
    plan.phases[0].shadow = { duration: '20s', minCompleteness: 0.999 };
    for (const phase of plan.phases.slice(1)) phase.enabled = false;
  });
}

/** The states the worker's child went through, in order. */
function childStates(run: RunResult): string[] {
  const child = run.executions[1];
  return (child?.events ?? []).filter((e) => e.type === 'StateEntered').map((e) => e.state ?? '');
}

/** The shadow check as the parent's report keeps it (no evidence) and as the child's output has it. */
function shadowCheck(run: RunResult) {
  return run.report?.services.find((s) => s.name === 'worker')?.checks.find((c) => c.name === 'shadow');
}

function childShadowCheck(run: RunResult) {
  const output = run.executions[1]?.output as
    | { report?: { checks: { name: string; verdict: string; evidence: Record<string, unknown> }[] } }
    | undefined;
  return output?.report?.checks.find((c) => c.name === 'shadow');
}

interface Figures {
  totals: { cloudwatch: number; loki: number; completeness: number };
  streams: { task: string; container: string; cloudwatch: number; loki: number; completeness: number }[];
}

describe('rollout state machine: the shadow step (real handlers)', () => {
  const world = useWorld();

  it('deploys the shadow revision first, counts both sides per stream, then deploys the json-file revision', async () => {
    world();
    const run = await runRollout({ mode: 'migrate', plan: shadowPlan() });
    const states = childStates(run);
    expect(states.slice(0, 5)).toEqual([
      'Route',
      'Register',
      'ShadowRoute',
      'UpdateServiceShadow',
      'ShadowWait',
    ]);
    const passedAt = states.lastIndexOf('ShadowDone');
    expect(states.slice(passedAt, passedAt + 2)).toEqual(['ShadowDone', 'UpdateService']);
    const register = run.calls.find((c) => c.state === 'Register')?.output as {
      taskDefinitionArn: string;
      shadow: { taskDefinitionArn: string };
    };
    const updates = run.calls.filter((c) => c.state === 'UpdateServiceShadow' || c.state === 'UpdateService');
    expect(updates.map((c) => (c.output as { taskDefinitionArn: string }).taskDefinitionArn)).toEqual([
      register.shadow.taskDefinitionArn,
      register.taskDefinitionArn,
    ]);
    const check = shadowCheck(run);
    expect(check?.verdict).toBe('passed');
    expect(check?.message).toMatch(/^40\/40 lines \(100\.00%\) in Loki over the shadow window/);
    const full = childShadowCheck(run);
    const figures = full?.evidence['values'] as Figures;
    // Two tasks, one main container each, a line a second over the 20 s window on both sides.
    expect(figures.streams).toHaveLength(2);
    for (const s of figures.streams) {
      expect(s).toMatchObject({ container: 'temporal-worker', cloudwatch: 20, loki: 20, completeness: 1 });
    }
    expect(figures.totals).toEqual({ cloudwatch: 40, loki: 40, completeness: 1 });
    expect(full?.evidence['source']).toMatch(
      /^FilterLogEvents \/ecs\/temporal-dev\/temporal-worker \(2 stream\(s\)\)/,
    );
  });

  it('rolls back from the shadow revision when Alloy loses lines, naming the streams and figures', async () => {
    const w = world();
    w.faults = { shadowDropEvery: { worker: 10 } };
    const run = await runRollout({ mode: 'migrate', plan: shadowPlan() });
    expect(run.error).toBe('RolledBack');
    const states = childStates(run);
    expect(states).not.toContain('UpdateService');
    expect(states.slice(states.indexOf('ShadowDone'))).toContain('Rollback');
    expect(run.report?.cause).toMatchObject({ service: 'worker', check: 'shadow' });
    expect(run.report?.cause?.message).toMatch(
      /^2 of 2 stream\(s\) below 99\.90% of CloudWatch's lines in Loki: \w+\/temporal-worker 18\/20 \(90\.00%\)/,
    );
    const worker = run.report?.services.find((s) => s.name === 'worker');
    expect(worker?.outcome).toBe('rolled-back');
    // Reverting the shadow revision gives back the baseline revision itself.
    expect(worker?.taskDefinitionAfter).toBe(worker?.taskDefinitionBefore);
    expect(shadowCheck(run)?.verdict).toBe('failed');
  });
});
