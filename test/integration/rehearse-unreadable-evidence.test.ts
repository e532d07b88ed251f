import { runRehearsal, type Rehearsal } from './support/rehearsal';
import { expectBackOnAdot, service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/**
 * Refused or failed before the services step: no service changed, lock released, exit 1. A
 * refusal is REFUSED; a failed Loki step is ROLLED_BACK, the status of every run that failed and
 * left the cluster on its baseline (here, by never leaving it).
 */
function expectNothingTouched(r: Rehearsal, status: 'REFUSED' | 'ROLLED_BACK'): void {
  expect({ exitCode: r.exitCode, status: r.report.status, lockReleased: r.report.lockReleased }).toEqual({
    exitCode: 1,
    status,
    lockReleased: true,
  });
  for (const name of ['worker', 'history']) {
    expect(service(r, name).outcome).toBe('untouched');
    expectBackOnAdot(r, name);
    // Still the revision the cluster was seeded with: nothing was registered or deployed.
    const observed = r.report.rehearsal.observed.services.find((s) => s.name === name);
    expect(observed?.taskDefinition).toMatch(new RegExp(`:task-definition/temporal-dev-temporal-${name}:1$`));
  }
}

describe('alloy-rollout rehearse: evidence that cannot be read stops the rollout before any change', () => {
  it('amp:baseline-error: preflight cannot read the series baseline and refuses, naming the query', async () => {
    const r = await runRehearsal(['amp:baseline-error']);
    expectNothingTouched(r, 'REFUSED');
    expect(r.report.cause?.message).toContain('count({service_name="worker",job!="integrations/self"})');
    expect(r.report.cause?.message).toMatch(/in 3 attempt\(s\)/);
  });

  it('loki:canary-dropped: the pushed canary line never comes back and the Loki step fails', async () => {
    const r = await runRehearsal(['loki:canary-dropped']);
    expectNothingTouched(r, 'ROLLED_BACK');
    expect(r.report.cause).toMatchObject({ service: 'loki', check: 'loki-canary' });
    expect(r.report.cause?.message).toMatch(/canary line pushed but not found yet/);
  });
});
