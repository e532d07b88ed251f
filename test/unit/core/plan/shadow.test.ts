import { parsePlanOrThrow, validatePlan } from '../../../../core/plan/parse';
import { shadowOf } from '../../../../core/plan/shadow';

function plan(shadow: unknown, alloy: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cluster: 'c1',
    region: 'eu-west-1',
    loki: { url: 'http://loki:3100' },
    amp: { workspaceId: 'ws-abc' },
    alloy,
    phases: [
      { name: 'canary', services: [{ name: 's1', ecsService: 'svc-1' }], shadow },
      { name: 'rest', services: [{ name: 's2', ecsService: 'svc-2' }] },
    ],
  };
}

describe('the phase shadow step', () => {
  it('defaults to 10 minutes and 0.999, and applies to the services of its phase only', () => {
    const parsed = parsePlanOrThrow(plan({}));
    expect(shadowOf(parsed, 's1')).toEqual({ duration: 600_000, minCompleteness: 0.999 });
    expect(shadowOf(parsed, 's2')).toBeUndefined();
  });

  it('refuses file-tail, saying why', () => {
    const result = validatePlan(plan({ duration: '2m' }, { logSource: 'file-tail' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({
        path: 'phases[0].shadow',
        message: expect.stringContaining('file-tail reads json-file logs, which awslogs does not write'),
      }),
    ]);
  });

  it('refuses a completeness outside (0, 1]', () => {
    const result = validatePlan(plan({ minCompleteness: 1.5 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toContain('expected a fraction of at most 1');
  });
});
