import { runRehearsal } from './support/rehearsal';
import { expectRolledBack } from './support/rehearsal-expect';

jest.setTimeout(200_000);

describe('alloy-rollout rehearse: metric continuity (sandbox, real Prometheus, real orchestrator)', () => {
  it('a baseline metric renamed by the switch: rolled back on the metrics check, the name in the cause', async () => {
    const r = await runRehearsal(['history:metric-renamed']);
    expectRolledBack(
      r,
      'history',
      /metric\(s\) of the baseline missing after the switch: .*service_requests/,
    );
  });
});
