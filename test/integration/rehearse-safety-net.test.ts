import { runRehearsal, testPlan } from './support/rehearsal';
import { expectRolledBack } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/** The sandbox seeds services with the breaker on and its rollback off (sandbox/seed.ts). */
const SEEDED = { enable: true, rollback: false };
const NET = { enable: true, rollback: true };

function observed(r: Awaited<ReturnType<typeof runRehearsal>>, name: string) {
  const found = r.report.rehearsal.observed.services.find((s) => s.name === name);
  if (!found) throw new Error(`no observation of ${name}`);
  return found;
}

describe('ECS safety net: the deployment circuit breaker with rollback during a migration (sandbox)', () => {
  it('a failing Alloy deployment is rolled back by ECS itself, then verified back on ADOT', async () => {
    const r = await runRehearsal(['history:deployment-fails']);
    expectRolledBack(r, 'history', /deploy/i);
    const history = observed(r, 'history');
    // ECS started the way back on its own, before (and whatever) the orchestrator did.
    expect(history.circuitBreakerRollbacks).toBeGreaterThanOrEqual(1);
    expect(history.circuitBreaker).toEqual(NET);
    // The Action prints the step as it happens: the user sees the net was switched on, and from what.
    expect(r.output).toMatch(
      /circuit breaker with rollback switched on for the migration \(was enable=true, rollback=false\)/,
    );
  });

  it('stays on after a verified migration by default', async () => {
    const r = await runRehearsal([]);
    expect(r.report.status).toBe('SUCCEEDED');
    expect(observed(r, 'worker').circuitBreaker).toEqual(NET);
    expect(observed(r, 'worker').circuitBreakerRollbacks).toBe(0);
  });

  it('puts the service own setting back after a verified migration when the plan says so', async () => {
    const planText = `${testPlan()}safetyNet:\n  restoreCircuitBreaker: true\n`;
    const r = await runRehearsal([], { planText });
    expect(r.report.status).toBe('SUCCEEDED');
    expect(observed(r, 'worker').circuitBreaker).toEqual(SEEDED);
    expect(observed(r, 'history').circuitBreaker).toEqual(SEEDED);
  });
});
