import { runRehearsal } from './support/rehearsal';
import { expectBackOnAdot, service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

const TASK_ROLE = 'arn:aws:iam::123456789012:role/temporal-dev-temporal-task';
const WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789';

describe('alloy-rollout rehearse: a role without a permission the migration needs', () => {
  it('history:no-remote-write-permission: preflight refuses, naming role, action and resource; nothing is touched', async () => {
    const r = await runRehearsal(['history:no-remote-write-permission']);
    expect({ exitCode: r.exitCode, status: r.report.status, lockReleased: r.report.lockReleased }).toEqual({
      exitCode: 1,
      status: 'REFUSED',
      lockReleased: true,
    });
    expect(r.report.cause?.check).toBe('preflight');
    // The example services share one task role, so every service of the plan is named.
    for (const name of ['worker', 'history'])
      expect(r.report.cause?.message).toContain(
        `${name}: task role ${TASK_ROLE} may not aps:RemoteWrite on ${WORKSPACE} (no statement allows it)`,
      );
    for (const name of ['worker', 'history']) {
      expect(service(r, name).outcome).toBe('untouched');
      expectBackOnAdot(r, name);
      const observed = r.report.rehearsal.observed.services.find((s) => s.name === name);
      expect(observed?.taskDefinition).toMatch(
        new RegExp(`:task-definition/temporal-dev-temporal-${name}:1$`),
      );
    }
  });
});
