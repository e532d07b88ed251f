import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout } from './support/runner';

describe('rollout state machine: permissions checked before anything changes', () => {
  const world = useWorld();

  it('a task role that may not remote-write to AMP refuses the run, naming role, action and resource', async () => {
    const w = world();
    w.faults = { permissionDenied: ['aps:RemoteWrite'] };
    const run = await runRollout({ mode: 'migrate', plan: testPlan() });
    expect(run.error).toBe('RolloutRefused');
    const cause = JSON.parse(run.cause ?? '{}') as { check: string; message: string };
    expect(cause.check).toBe('preflight');
    expect(cause.message).toContain(
      'history: task role arn:aws:iam::123456789012:role/temporal-dev-temporal-task may not aps:RemoteWrite on ' +
        'arn:aws:aps:eu-west-1:123456789012:workspace/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789 (no statement allows it)',
    );
    expect(w.calls.filter((c) => c.startsWith('register') || c.startsWith('update'))).toEqual([]);
    expect(w.lock.size).toBe(0);
  });
});
