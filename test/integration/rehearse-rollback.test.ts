import { runRehearsal, testPlan } from './support/rehearsal';
import { service, expectBackOnAdot, expectRolledBack } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: a failed check rolls back (sandbox, real orchestrator, the Action code)', () => {
  it('deployment fails on the last service: both services rolled back (scope all), exit 1', async () => {
    expectRolledBack(await runRehearsal(['history:deployment-fails']), 'history', /deploy/i);
  });

  it('Alloy ships no logs: rolled back on the logs check', async () => {
    expectRolledBack(await runRehearsal(['history:no-logs']), 'history', /log/i);
  });

  it('a required label is missing: rolled back on the logs check', async () => {
    // level is derived from JSON and never required; container_name is one of seed 003's four.
    expectRolledBack(
      await runRehearsal(['history:missing-label=container_name']),
      'history',
      /container_name/,
    );
  });

  it('JSON lines are broken: rolled back on the logs check', async () => {
    expectRolledBack(await runRehearsal(['history:broken-json']), 'history', /json/i);
  });

  it('metrics missing: rolled back on the metrics check', async () => {
    expectRolledBack(await runRehearsal(['history:no-metrics']), 'history', /metric|up|series/i);
  });

  it('JSON breaks only after the first passing polls, inside the soak: rolled back on the logs check', async () => {
    expectRolledBack(await runRehearsal(['history:broken-json-after=10s']), 'history', /json/i);
  });

  it('Alloy stops shipping inside the soak: rolled back on the logs check', async () => {
    // Silence is judged over (logs deadline - poll interval) = 50 s here, for tasks older than three
    // such windows that shipped in the window before: the fault sets in at 110 s and is seen about
    // 50 s later, inside a 3-minute soak (this plan's 30 s soak would end first).
    const planText = testPlan().replace('soak: 30s', 'soak: 3m');
    const r = await runRehearsal(['history:no-logs-after=110s'], { planText });
    expectRolledBack(r, 'history', /stopped shipping/i);
  });

  it('metrics that flap never pass: rolled back on the metrics check', async () => {
    // A soak longer than two flap periods: with this plan's 30 s soak, one answering phase (30 s,
    // and at least one scrape, plus the time a failed scrape takes to show in a poll) could hold
    // the whole soak, and the run would pass on timing alone.
    const planText = testPlan().replace('soak: 30s', 'soak: 2m');
    expectRolledBack(await runRehearsal(['history:flapping-metrics'], { planText }), 'history', /metrics/i);
  });

  it('with rollback scope "service" only the failing service goes back', async () => {
    const r = await runRehearsal(['history:no-logs'], { scope: 'service' });
    expect(r.exitCode).toBe(1);
    expect(service(r, 'worker')).toMatchObject({ finalCollector: 'alloy', logsReceivedBy: 'loki' });
    expectBackOnAdot(r, 'history');
  });
});
