import { runRehearsal } from './support/rehearsal';
import { expectBackOnAdot, service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: a failed rollback deployment is deployed again (sandbox, real orchestrator, the Action code)', () => {
  it('worker:rollback-deployment-fails-once: the retry puts the running tasks back on ADOT + awslogs; the report keeps the chain', async () => {
    const r = await runRehearsal(['worker:rollback-deployment-fails-once']);

    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ service: 'worker', check: 'logs' });
    expect(r.report.lockReleased).toBe(true);
    // Observed from the running tasks: the ADOT revision, and their lines reach CloudWatch only.
    expectBackOnAdot(r, 'worker');
    const observed = r.report.rehearsal.observed.services.find((s) => s.name === 'worker');
    expect(observed?.runningTaskDefinitions).toEqual([observed?.taskDefinition]);
    expect(observed?.lines.loki).toBe(0);
    const worker = service(r, 'worker');
    expect(worker.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['deployment', 'passed'],
      ['logs', 'failed'],
      // Answered at the same polls as logs (every check, every poll), so it is in the record too.
      ['metrics', 'passed'],
      ['alloy-health', 'passed'],
      ['rollback-deployment-attempt-1', 'failed'],
      ['rollback-deployment-attempt-2', 'passed'],
      ['cloudwatch', 'passed'],
    ]);
    expect(worker.checks.find((c) => c.name === 'rollback-deployment-attempt-1')?.message).toMatch(
      /^attempt 1 of 3: deployment failed/,
    );
    expect(worker.outcome).toBe('rolled-back');
    // What the user sees as it happens: the failed attempt, then the retry.
    expect(r.output).toMatch(/rollback: attempt 1 of 3: deployment failed.* again \(attempt 2,/);
  });
});
