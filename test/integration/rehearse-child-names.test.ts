import { runRehearsal } from './support/rehearsal';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: child executions have names derived from the parent', () => {
  it('a child start whose answer is lost is retried onto the same child: one child per service', async () => {
    const r = await runRehearsal(['sfn:child-start-lost']);
    expect(r.report.status).toBe('SUCCEEDED');
    expect(r.exitCode).toBe(0);
    const executions = r.report.rehearsal.observed.executions;
    // The parent's history shows each first start failing (the fault fired), and Retry starting again.
    expect(executions?.lostStarts).toBe(2);
    const children = executions?.children ?? [];
    expect(children.map((c) => [c.service, c.mode, c.status])).toEqual([
      ['worker', 'service-migrate', 'SUCCEEDED'],
      ['history', 'service-migrate', 'SUCCEEDED'],
    ]);
    // <parent name cut to 40>-<8 hex of the parent ARN>-m<position>: the retry found this name running.
    const parentName = (r.report.executionArn ?? '').split(':').pop() ?? '';
    const prefix = parentName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
    expect(children.map((c) => c.name)).toEqual([
      expect.stringMatching(new RegExp(`^${prefix}-[0-9a-f]{8}-m0$`)),
      expect.stringMatching(new RegExp(`^${prefix}-[0-9a-f]{8}-m1$`)),
    ]);
  });
});
