import fc from 'fast-check';
import {
  advanceVerification,
  type VerificationState,
  type VerificationStep,
  type VerificationTiming,
} from '../../../../core/orchestration';
import type { Assessment, Verdict } from '../../../../core/verify';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const S = 1000;
const timing: VerificationTiming & { startedAtMs: number } = {
  startedAtMs: T0,
  pollMs: 10 * S,
  soakMs: 120 * S,
  deploymentTimeoutMs: 900 * S,
  allowanceMs: { logs: 30 * S, metrics: 120 * S },
};

function deployment(state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED', completedAtMs?: number): Assessment {
  const verdict: Verdict = state === 'COMPLETED' ? 'passed' : state === 'FAILED' ? 'failed' : 'pending';
  return {
    name: 'deployment',
    verdict,
    message: `deployment ${state}`,
    evidence: { query: 'ecs:DescribeServices' },
    ...(completedAtMs !== undefined ? { evidenceAtMs: completedAtMs } : {}),
  };
}

function check(name: string, verdict: Verdict): Assessment {
  return { name, verdict, message: `${name} ${verdict}`, evidence: { query: `${name}-query` } };
}

/** Polls in order; each poll: [seconds since the update, deployment, check verdicts or none]. */
function run(
  polls: readonly [number, Assessment, Record<string, Verdict> | undefined][],
): VerificationStep[] {
  const steps: VerificationStep[] = [];
  let state: VerificationState | undefined;
  for (const [seconds, dep, verdicts] of polls) {
    const checks = verdicts && Object.entries(verdicts).map(([name, v]) => check(name, v));
    const step = advanceVerification(
      state,
      { nowMs: T0 + seconds * S, deployment: dep, ...(checks ? { checks } : {}) },
      timing,
    );
    steps.push(step);
    state = step.state;
    if (step.verdict !== 'pending') break;
  }
  return steps;
}

const ok = { logs: 'passed', metrics: 'passed' } as const;
const completedAt = (s: number) => deployment('COMPLETED', T0 + s * S);

describe('advanceVerification: checks from the first new task through the soak', () => {
  it('a check that fails while the deployment is still in progress ends the service at once', () => {
    const steps = run([
      [10, deployment('IN_PROGRESS'), undefined],
      [20, deployment('IN_PROGRESS'), { logs: 'failed', metrics: 'pending' }],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(['pending', 'failed']);
    expect(steps[1]!.check).toMatchObject({ name: 'logs', verdict: 'failed', message: 'logs failed' });
    expect(steps[0]!.summary).toContain('no task of the new deployment runs yet');
  });

  it('passes once every check has passed without a break for the whole soak, counted from ECS completion', () => {
    // ECS completed at 25 s; the poll at 30 s sees it. The soak ends at 145 s, not 150 s.
    const steps = run([
      [10, deployment('IN_PROGRESS'), ok],
      [20, deployment('IN_PROGRESS'), ok],
      [30, completedAt(25), ok],
      [40, completedAt(25), ok],
    ]);
    expect(steps.at(-1)!.verdict).toBe('pending');
    expect(steps.at(-1)!.state.completedAtMs).toBe(T0 + 25 * S);
    let state = steps.at(-1)!.state;
    let nowS = 40;
    const verdicts: string[] = [];
    while (verdicts.at(-1) !== 'passed' && nowS < 400) {
      const prev: VerificationStep = advanceVerification(
        state,
        {
          nowMs: T0 + nowS * S,
          deployment: completedAt(25),
          checks: [check('logs', 'passed'), check('metrics', 'passed')],
        },
        timing,
      );
      verdicts.push(prev.verdict);
      state = prev.state;
      if (prev.verdict === 'pending') nowS += prev.waitSeconds;
    }
    // The waits land the last poll on the soak's end.
    expect(nowS).toBe(145);
    expect(verdicts.at(-1)).toBe('passed');
  });

  it('a check that passed early and later answers failed fails the service', () => {
    const steps = run([
      [10, completedAt(5), ok],
      [70, completedAt(5), ok],
      [80, completedAt(5), { logs: 'failed', metrics: 'passed' }],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(['pending', 'pending', 'failed']);
    expect(steps[2]!.check.name).toBe('logs');
  });

  it('a pending inside the soak is retried and reported, and the soak starts again from the next pass', () => {
    const steps = run([
      [10, completedAt(10), ok],
      [60, completedAt(10), { logs: 'passed', metrics: 'pending' }],
      [70, completedAt(10), ok],
      // 120 s after completion: the first soak would have ended here, but metrics broke it.
      [130, completedAt(10), ok],
      [189, completedAt(10), ok],
      [190, completedAt(10), ok],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'passed',
    ]);
    const metrics = steps.at(-1)!.checks.find((c) => c.name === 'metrics')!;
    expect(metrics.message).toContain('interrupted 1 time(s)');
    expect(metrics.evidence.continuity).toMatchObject({
      interruptions: 1,
      passingSince: new Date(T0 + 70 * S).toISOString(),
    });
    expect(steps.at(-1)!.summary).toContain('interrupted before: metrics');
  });

  it('a run of pending longer than the check allowance is failed (logs: 30 s)', () => {
    const steps = run([
      [10, completedAt(5), { logs: 'pending', metrics: 'passed' }],
      [20, completedAt(5), { logs: 'pending', metrics: 'passed' }],
      [40, completedAt(5), { logs: 'pending', metrics: 'passed' }],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(['pending', 'pending', 'failed']);
    expect(steps[2]!.check.message).toMatch(/^still pending 30s after its first answer \(allowed 30s\)/);
  });

  it('an error that clears within its allowance is retried, not failed', () => {
    const steps = run([
      [10, completedAt(5), { logs: 'passed', metrics: 'error' }],
      [20, completedAt(5), ok],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(['pending', 'pending']);
  });

  it('a flapping check never passes: it fails as soon as no uninterrupted soak can end by the bound', () => {
    const polls: [number, Assessment, Record<string, Verdict>][] = [];
    for (let s = 10; s <= 1200; s += 10)
      polls.push([s, completedAt(5), { logs: 'passed', metrics: (s / 10) % 4 === 0 ? 'pending' : 'passed' }]);
    const steps = run(polls);
    expect(steps.some((s) => s.verdict === 'passed')).toBe(false);
    const last = steps.at(-1)!;
    expect(last.verdict).toBe('failed');
    expect(last.check.name).toBe('metrics');
    expect(last.check.message).toMatch(/no uninterrupted 2m of passing checks can end by/);
    // Bound: completion + 2 x soak + the longest allowance = 5 + 240 + 120 = 365 s.
    const failedAtS = (last.state.polls * 10) as number;
    expect(failedAtS).toBeLessThanOrEqual(365);
  });

  it('the deployment that never completes fails at its deadline; a FAILED one at once', () => {
    expect(run([[900, deployment('IN_PROGRESS'), ok]])[0]!.verdict).toBe('failed');
    const failed = run([[10, deployment('FAILED'), undefined]]);
    expect(failed[0]).toMatchObject({ verdict: 'failed', check: { name: 'deployment' } });
  });

  it('after completion, a deployment answer of pending (a task replaced) does not undo the completion', () => {
    const steps = run([
      [10, completedAt(5), ok],
      [20, deployment('IN_PROGRESS'), ok],
    ]);
    expect(steps[1]!.verdict).toBe('pending');
    expect(steps[1]!.state.completedAtMs).toBe(T0 + 5 * S);
    expect(steps[1]!.checks[0]).toMatchObject({ name: 'deployment', verdict: 'passed' });
  });

  it('waits the poll interval, shortened to land on the soak end; never less than a second', () => {
    const steps = run([[10, completedAt(10), ok]]);
    expect(steps[0]!.waitSeconds).toBe(10);
    const late = run([
      [10, completedAt(10), ok],
      [125, completedAt(10), ok],
    ]);
    expect(late[1]!.waitSeconds).toBe(5);
  });
});

describe('advanceVerification: edges', () => {
  it('a deployment that completed before the update (nothing was deployed) starts the soak at the update', () => {
    const steps = run([[10, deployment('COMPLETED', T0 - 86_400_000), ok]]);
    expect(steps[0]!.verdict).toBe('pending');
    expect(steps[0]!.state.completedAtMs).toBe(T0);
  });

  it('no running task after completion is a pending answer of every check: it fails at the allowance', () => {
    const steps = run([
      [10, completedAt(5), ok],
      [20, completedAt(5), undefined],
      [30, completedAt(5), undefined],
      [50, completedAt(5), undefined],
    ]);
    expect(steps.map((s) => s.verdict)).toEqual(['pending', 'pending', 'pending', 'failed']);
    expect(steps[3]!.check).toMatchObject({ name: 'logs', verdict: 'failed' });
    expect(steps[3]!.check.message).toContain('no running task of the new deployment to check');
  });

  it('the next poll lands on a per-task absence deadline when it comes before the interval', () => {
    const step = advanceVerification(
      undefined,
      {
        nowMs: T0 + 10 * S,
        deployment: deployment('IN_PROGRESS'),
        checks: [{ ...check('logs', 'pending'), nextDeadlineMs: T0 + 13 * S }, check('metrics', 'passed')],
      },
      timing,
    );
    expect(step.waitSeconds).toBe(3);
  });
});

describe('advanceVerification: properties', () => {
  const verdicts = fc.constantFrom<Verdict>('passed', 'passed', 'passed', 'pending', 'error', 'failed');
  const pollsArb = fc.array(
    fc.record({ gap: fc.integer({ min: 1, max: 30 }), logs: verdicts, metrics: verdicts }),
    { minLength: 1, maxLength: 80 },
  );

  it('a failed answer always ends the service at that poll; passed only after a whole soak of passes', () => {
    fc.assert(
      fc.property(pollsArb, fc.integer({ min: 0, max: 60 }), (polls, completedS) => {
        let state: VerificationState | undefined;
        let nowS = 0;
        const answered: { atS: number; logs: Verdict; metrics: Verdict }[] = [];
        for (const p of polls) {
          nowS += p.gap;
          const step: VerificationStep = advanceVerification(
            state,
            {
              nowMs: T0 + nowS * S,
              deployment: nowS >= completedS ? completedAt(completedS) : deployment('IN_PROGRESS'),
              checks: [check('logs', p.logs), check('metrics', p.metrics)],
            },
            timing,
          );
          answered.push({ atS: nowS, logs: p.logs, metrics: p.metrics });
          state = step.state;
          if (p.logs === 'failed' || p.metrics === 'failed') {
            expect(step.verdict).toBe('failed');
            return;
          }
          if (step.verdict === 'passed') {
            expect(nowS).toBeGreaterThanOrEqual(completedS + 120);
            // Every answer in the last soak window was a pass, and one came at or before its start.
            const inSoak = answered.filter((a) => a.atS >= nowS - 120);
            expect(inSoak.every((a) => a.logs === 'passed' && a.metrics === 'passed')).toBe(true);
            const before = answered.filter((a) => a.atS <= nowS - 120);
            expect(before.length).toBeGreaterThan(0);
            return;
          }
          if (step.verdict === 'failed') return;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('advanceVerification: a pass with a part not judged yet', () => {
  /** Polls where metrics passes but is inconclusive until `judgedAtS`, at `nowS` seconds. */
  function poll(state: VerificationState | undefined, nowS: number, judgedAtS: number): VerificationStep {
    const metrics: Assessment = {
      ...check('metrics', 'passed'),
      ...(nowS < judgedAtS ? { inconclusive: 'scrape cadence of 2 task(s) not judged yet' } : {}),
    };
    return advanceVerification(
      state,
      { nowMs: T0 + nowS * S, deployment: completedAt(25), checks: [check('logs', 'passed'), metrics] },
      timing,
    );
  }

  function follow(judgedAtS: number, untilS: number): VerificationStep[] {
    const steps: VerificationStep[] = [];
    let state: VerificationState | undefined;
    for (let s = 30; s <= untilS; s += 10) {
      const step = poll(state, s, judgedAtS);
      steps.push(step);
      state = step.state;
      if (step.verdict !== 'pending') break;
    }
    return steps;
  }

  it('counts it for the soak, so a check judged within the soak costs no time', () => {
    // Judged at 60 s, inside the soak that ECS's completion at 25 s started (it ends at 145 s):
    // passes at the first poll after it, every 10 s here.
    const steps = follow(60, 400);
    expect(steps.at(-1)!.verdict).toBe('passed');
    expect(steps.at(-1)!.state.lastPollAtMs).toBe(T0 + 150 * S);
  });

  it('holds the pass after the soak until the part is judged, saying what it waits for', () => {
    const steps = follow(200, 400);
    const afterSoak = steps.find((s) => s.state.lastPollAtMs === T0 + 150 * S)!;
    expect(afterSoak.verdict).toBe('pending');
    expect(afterSoak.summary).toContain('waiting for metrics: scrape cadence of 2 task(s) not judged yet');
    expect(steps.at(-1)!.verdict).toBe('passed');
    expect(steps.at(-1)!.state.lastPollAtMs).toBeGreaterThanOrEqual(T0 + 200 * S);
  });

  it('fails when the part is still not judged at the bound (completion + 2 x soak + the longest deadline)', () => {
    const steps = follow(10_000, 1_000);
    const last = steps.at(-1)!;
    expect(last.verdict).toBe('failed');
    expect(last.check).toMatchObject({
      name: 'metrics',
      verdict: 'failed',
      message: expect.stringMatching(
        /^soak of 2m passed, but metrics could not be judged by .*: scrape cadence/,
      ),
    });
    // Bound: 25 s + 240 s + 120 s = 385 s; the first poll at or after it.
    expect(last.state.lastPollAtMs).toBe(T0 + 390 * S);
  });
});
