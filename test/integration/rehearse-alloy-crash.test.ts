import { runRehearsal, testPlan } from './support/rehearsal';
import { service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: the Alloy sidecar crashes after the migration', () => {
  it('history:alloy-crash: ECS restarts the sidecar (restartPolicy), the rollout succeeds, no line of those tasks is lost', async () => {
    // A 2-minute soak: each task's sidecar exits 75 s after the task started, inside the soak,
    // so the verification polls while it is down and after it came back.
    const r = await runRehearsal(['history:alloy-crash'], {
      planText: testPlan().replace('soak: 30s', 'soak: 2m'),
    });
    expect({ exitCode: r.exitCode, status: r.report.status, cause: r.report.cause }).toEqual({
      exitCode: 0,
      status: 'SUCCEEDED',
      cause: undefined,
    });
    expect(service(r, 'history')).toMatchObject({
      outcome: 'migrated',
      finalCollector: 'alloy',
      logsReceivedBy: 'loki',
    });
    const history = r.report.rehearsal.observed.services.find((s) => s.name === 'history');
    const tasks = history?.alloyTasks ?? [];
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    for (const t of tasks) {
      expect(t).toMatchObject({ lastStatus: 'RUNNING', sidecarExits: 1, sidecarRestarts: 1 });
      expect(t.written).toBeGreaterThan(0);
      // Every line the task wrote, also while its sidecar was down, is in Loki under its task_id.
      expect(t.inLoki).toBe(t.written);
    }
    // The fault touches history only.
    const worker = r.report.rehearsal.observed.services.find((s) => s.name === 'worker');
    expect(worker?.alloyTasks.every((t) => t.sidecarExits === 0 && t.inLoki === t.written)).toBe(true);
  });
});
