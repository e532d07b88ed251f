import { runRehearsal, testPlan } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/** The test plan with history only: one service, so the fault's check decides the run. */
function historyOnly(): string {
  return testPlan('service').replace(
    / {2}- name: canary\n {4}services:\n {6}- name: worker\n {8}ecsService: temporal-dev-temporal-worker\n {8}mainContainers: \[temporal-worker\]\n/,
    '',
  );
}

describe("alloy-rollout rehearse: Alloy's own health (sandbox, real orchestrator)", () => {
  it("history:alloy-dropping: rolled back on alloy-health, naming loki.write's dropped-entries counter", async () => {
    const plan = historyOnly();
    expect(plan).not.toContain('temporal-worker');
    const r = await runRehearsal(['history:alloy-dropping'], { planText: plan });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ service: 'history', check: 'alloy-health' });
    expect(r.report.cause?.message).toMatch(
      /loki\.write dropped log entries \(loki_write_dropped_entries_total\): \d+ in [0-9a-f]+ \(rate_limited \d+\)/,
    );
    expect(r.report.lockReleased).toBe(true);
    expect(service(r, 'history')).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
  });

  it('history:remote-write-rejected: rolled back on alloy-health, naming the failed-samples counter', async () => {
    const r = await runRehearsal(['history:remote-write-rejected'], { planText: historyOnly() });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ service: 'history', check: 'alloy-health' });
    expect(r.report.cause?.message).toMatch(
      /prometheus\.remote_write failed to send samples \(prometheus_remote_storage_samples_failed_total\): \d+ in [0-9a-f]+/,
    );
    expect(r.report.lockReleased).toBe(true);
    expect(service(r, 'history')).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
  });
});
