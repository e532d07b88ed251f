import { validatePlan } from '../../../../core/plan/parse';
import { minimalPlan } from './minimal-plan';

function plan(metrics: Record<string, unknown>): Record<string, unknown> {
  return { ...minimalPlan(), verification: { metrics } };
}

function problemsOf(metrics: Record<string, unknown>): string[] {
  const result = validatePlan(plan(metrics));
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('the plan: metric continuity settings', () => {
  it('takes globs of metric names, a cadence band and windows', () => {
    const result = validatePlan(
      plan({
        mayDisappear: ['otelcol_*', 'scrape_?', 'target_info', 'ns:name'],
        maxCadenceDeviation: 0.2,
        cadenceWindow: '90s',
        deadline: '3m',
        baselineWindow: '10m',
      }),
    );
    expect(result.ok && result.plan.verification.metrics).toMatchObject({
      mayDisappear: ['otelcol_*', 'scrape_?', 'target_info', 'ns:name'],
      maxCadenceDeviation: 0.2,
      cadenceWindow: 90_000,
      baselineWindow: 600_000,
    });
  });

  it('refuses a glob with characters no metric name has, naming the field', () => {
    expect(problemsOf({ mayDisappear: ['otelcol-*'] })).toEqual([
      expect.stringMatching(
        /verification\.metrics\.mayDisappear.*0.*expected a metric name or glob such as "otelcol_\*"/,
      ),
    ]);
  });

  it('refuses a cadence window as long as the deadline: a new task could never be judged in time', () => {
    expect(problemsOf({ cadenceWindow: '2m' })).toEqual([
      expect.stringMatching(
        /verification\.metrics\.cadenceWindow: expected a cadence window shorter than verification\.metrics\.deadline \(120s\), got 120s/,
      ),
    ]);
  });

  it('derives the cadence window from a shortened deadline instead of refusing a value the plan never set', () => {
    const cadenceOf = (metrics: Record<string, unknown>) => {
      const result = validatePlan(plan(metrics));
      return result.ok ? result.plan.verification.metrics.cadenceWindow : result.problems;
    };
    expect(cadenceOf({})).toBe(60_000);
    expect(cadenceOf({ deadline: '40s' })).toBe(20_000);
    expect(cadenceOf({ deadline: '40s', cadenceWindow: '30s' })).toBe(30_000);
  });

  it('refuses a deviation outside 0..1', () => {
    expect(problemsOf({ maxCadenceDeviation: 1.5 })).toHaveLength(1);
  });
});
