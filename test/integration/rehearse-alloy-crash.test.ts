import { runRehearsal, testPlan } from './support/rehearsal';
import { expectBackOnAdot } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: the Alloy sidecar crashes after the migration', () => {
  it('history:alloy-crash during the soak: rolled back on alloy-health, naming the stopped or restarted sidecar', async () => {
    // A 2-minute soak: each task's sidecar exits 75 s after the task started, inside the soak. ECS
    // restarts it 10 s later (restartPolicy); a poll in between sees the container STOPPED in
    // DescribeTasks, a poll after it sees Alloy's process_start_time_seconds later than the task's
    // start. Either way the sidecar did not run through the soak, and the service is rolled back.
    const r = await runRehearsal(['history:alloy-crash'], {
      planText: testPlan().replace('soak: 30s', 'soak: 2m'),
    });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ service: 'history', check: 'alloy-health' });
    expect(r.report.cause?.message).toMatch(
      /the Alloy sidecar stopped while its task runs \(ECS DescribeTasks\): [0-9a-f]+ \(exit code 1: Alloy exited with status 1 \(injected fault: alloy-crash\)\)|the Alloy process restarted \(process_start_time_seconds later than the task's start \+ 30s\)/,
    );
    expect(r.report.lockReleased).toBe(true);
    for (const name of ['worker', 'history']) expectBackOnAdot(r, name);
    // The fault touches history only: worker's sidecars never exited.
    const worker = r.report.rehearsal.observed.services.find((s) => s.name === 'worker');
    expect(worker?.alloyTasks.every((t) => t.sidecarExits === 0)).toBe(true);
  });

  it('history:alloy-crash-after=20s: a sidecar that dies too early for the silence rule is caught by alloy-health', async () => {
    // 20 s after its task started each sidecar exits for good (sooner than restartAttemptPeriod):
    // too few lines for the logs check's silence rule, but DescribeTasks shows it STOPPED.
    const r = await runRehearsal(['history:alloy-crash-after=20s']);
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ service: 'history', check: 'alloy-health' });
    expect(r.report.cause?.message).toMatch(
      /the Alloy sidecar stopped while its task runs \(ECS DescribeTasks\): [0-9a-f]+ \(exit code 1/,
    );
    for (const name of ['worker', 'history']) expectBackOnAdot(r, name);
  });
});
