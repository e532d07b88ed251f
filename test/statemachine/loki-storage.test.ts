import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';
import { PLAN_SERVICES } from './support/world';

/**
 * Loki's storage checkpoint in the real state machine: each broken part stops the run in the Loki
 * step, after the canary and before any service is touched, with the failed check as the cause.
 */
describe('rollout state machine: Loki storage', () => {
  const world = useWorld();

  it.each([
    { part: 'retentionOff', check: 'loki-retention' },
    { part: 'noS3Endpoint', check: 'loki-s3-endpoint' },
    { part: 'chunksNotFlushed', check: 'loki-chunks-flushed' },
  ] as const)('$part: stops before any service with $check', async ({ part, check }) => {
    const w = world();
    const before = PLAN_SERVICES.map((s) => w.service(s.ecsService).taskDefinition);
    w.lokiStorage[part] = true;
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.status).toBe('FAILED');
    expect(JSON.parse(run.cause ?? '{}')).toMatchObject({ service: 'loki', check });
    const checks = (run.report?.loki as { checks: { name: string; verdict: string }[] }).checks;
    expect(checks.find((c) => c.name === 'loki-canary')?.verdict).toBe('passed');
    expect(checks.find((c) => c.name === check)?.verdict).toBe('failed');
    expect(w.calls.filter((c) => c.startsWith('register'))).toEqual([]);
    expect(PLAN_SERVICES.map((s) => w.service(s.ecsService).taskDefinition)).toEqual(before);
    expect(w.lock.size).toBe(0);
  });

  it('a plan that skips every storage check reports each skipped, with the reason, and migrates', async () => {
    const w = world();
    const plan = testPlan((p) => {
      p.loki.skipChecks = ['retention', 'object-store', 'chunks-flushed', 's3-endpoint'];
    });
    const run = await runRollout({ mode: 'migrate', plan, services: ['worker'] });
    expect(run.status).toBe('SUCCEEDED');
    const checks = (run.report?.loki as { checks: { name: string; verdict: string; message: string }[] })
      .checks;
    expect(checks.filter((c) => c.verdict === 'skipped').map((c) => c.message)).toEqual([
      `skipped: the plan's loki.skipChecks lists "retention"`,
      `skipped: the plan's loki.skipChecks lists "object-store"`,
      `skipped: the plan's loki.skipChecks lists "s3-endpoint"`,
      `skipped: the plan's loki.skipChecks lists "chunks-flushed"`,
    ]);
    expect(w.calls).not.toContain('loki /config');
    expect(w.calls).not.toContain('loki /flush');
  });
});
