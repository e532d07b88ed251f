import { validatePlan } from '../../../../core/plan/parse';
import { minimalPlan } from './minimal-plan';

const withLoki = (loki: Record<string, unknown>) => ({
  ...minimalPlan(),
  loki: { url: 'http://loki:3100', ...loki },
});

describe('plan: Loki storage fields', () => {
  it('are optional, and given are kept as written (retention as Loki writes it)', () => {
    const without = validatePlan(minimalPlan());
    expect(without.ok && without.plan.loki).toEqual({ url: 'http://loki:3100', desiredCount: 1 });
    const result = validatePlan(
      withLoki({
        retention: '30d',
        storage: { bucket: 'temporal-dev-loki-chunks', prefix: 'team-a/' },
        subnets: ['subnet-0a1b2c3d'],
        skipChecks: ['s3-endpoint'],
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.plan.loki).toMatchObject({
      retention: '30d',
      storage: { bucket: 'temporal-dev-loki-chunks', prefix: 'team-a/' },
      subnets: ['subnet-0a1b2c3d'],
      skipChecks: ['s3-endpoint'],
    });
  });

  it('names each bad field and what was expected', () => {
    const result = validatePlan(
      withLoki({
        retention: '30 days',
        storage: { bucket: 'Not_A_Bucket', extra: 1 },
        subnets: ['sn-1'],
        skipChecks: ['canary'],
      }),
    );
    const problems = result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /loki\.retention: expected a duration as Loki writes it, such as "744h" or "30d"/,
        ),
        expect.stringMatching(/loki\.storage\.bucket: expected an S3 bucket name/),
        expect.stringMatching(/loki\.subnets\[0\]: expected a subnet id/),
        expect.stringMatching(
          /loki\.skipChecks\[0\]: expected one of "retention", "object-store", "chunks-flushed", "s3-endpoint"/,
        ),
      ]),
    );
    expect(problems.some((p) => p.includes('extra'))).toBe(true);
  });

  it('refuses a zero retention (Loki keeps forever with 0s: not a retention to check)', () => {
    const result = validatePlan(withLoki({ retention: '0' }));
    expect(result.ok).toBe(false);
  });
});
