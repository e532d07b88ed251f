import { executionEndedPattern } from '../../../core/orchestration/execution-ended-event';
import { EventBus, matchesPattern } from '../../../sandbox/events/bus';

const SM = 'arn:aws:states:eu-west-1:000000000000:stateMachine:alloy-rollout';
const event = (status: string, stateMachineArn = SM) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { stateMachineArn, status, executionArn: `${SM}:x` },
});

describe('matchesPattern (the EventBridge subset the orchestrator rule uses)', () => {
  const pattern = executionEndedPattern(SM);

  it('matches when every field equals one of its listed values, nested objects field by field', () => {
    for (const status of ['ABORTED', 'TIMED_OUT', 'FAILED'])
      expect(matchesPattern(pattern, event(status))).toBe(true);
  });

  it('does not match another value, another state machine, another source or a missing field', () => {
    expect(matchesPattern(pattern, event('SUCCEEDED'))).toBe(false);
    expect(matchesPattern(pattern, event('FAILED', `${SM}-other`))).toBe(false);
    expect(matchesPattern(pattern, { ...event('FAILED'), source: 'aws.ecs' })).toBe(false);
    expect(
      matchesPattern(pattern, {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
      }),
    ).toBe(false);
    expect(matchesPattern(pattern, null)).toBe(false);
  });
});

describe('EventBus', () => {
  it('runs the target after put returns, records results and errors, and takes nothing once closed', async () => {
    const invoked: unknown[] = [];
    const bus = new EventBus({
      invoke: async (fn, e) => {
        invoked.push(e);
        if ((e as { detail: { status: string } }).detail.status === 'TIMED_OUT') throw new Error('boom');
        return { fn };
      },
    });
    bus.putRule('ended', executionEndedPattern(SM), 'alloy-rollout-ExecutionEnded');
    bus.put(event('ABORTED'));
    bus.put(event('SUCCEEDED'));
    bus.put(event('TIMED_OUT'));
    // Asynchronous, like EventBridge: nothing ran yet.
    expect(invoked).toHaveLength(0);
    await bus.idle();
    expect(invoked).toHaveLength(2);
    expect(bus.deliveries.map((d) => d.result ?? d.error)).toEqual([
      { fn: 'alloy-rollout-ExecutionEnded' },
      'Error: boom',
    ]);
    await bus.close();
    bus.put(event('FAILED'));
    await bus.idle();
    expect(invoked).toHaveLength(2);
  });
});
