import { runRehearsal } from './support/rehearsal';
import { service, expectBackOnAdot } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: refusals and a failing rollback (sandbox, real orchestrator, the Action code)', () => {
  it('Loki not ready: nothing is touched, exit 1', async () => {
    const r = await runRehearsal(['loki:not-ready']);
    expect(r.exitCode).toBe(1);
    expect(r.report.status).not.toBe('SUCCEEDED');
    expect(`${r.report.cause?.check ?? ''} ${r.report.cause?.message ?? ''}`).toMatch(/loki|ready/i);
    expectBackOnAdot(r, 'worker');
    expectBackOnAdot(r, 'history');
    expect(r.report.lockReleased).toBe(true);
  });

  it('the rollback deployment fails once: the rollout does not succeed and the lock is released', async () => {
    const r = await runRehearsal(['history:no-logs', 'history:rollback-deployment-fails-once']);
    expect(r.exitCode).toBe(1);
    expect(r.report.status).not.toBe('SUCCEEDED');
    expect(r.report.lockReleased).toBe(true);
    expect(r.output).toMatch(/rollback/i);
  });

  it('the lock is already held: refused at once naming the holder, nothing touched', async () => {
    const r = await runRehearsal(['lock:held']);
    expect(r.exitCode).toBe(1);
    expect(r.report.cause?.message).toMatch(
      // The fault writes the lock item of an execution Step Functions does not know: kept until it expires.
      /rollout arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:another-rollout holds the lock, but Step Functions knows no such execution; the lock expires at/,
    );
    expect(service(r, 'worker')).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
    // Our execution never held the lock; the other rollout still does.
    expect(r.report.rehearsal.observed.lockItem).toBeDefined();
  });
});
