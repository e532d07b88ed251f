import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { QuietTracker } from '../../action/src/quiet';
import { DEFAULT_SCHEDULE, nextReadAt, ServiceClockBound } from '../../action/src/read-schedule';
import { childSubmitted, entered, executionArn, lambdaTaskSucceeded } from './fake-sfn';

const OPTIONS = { pollIntervalMs: 4000, recheckMs: 60_000, toleranceMs: 1000 };

describe('nextReadAt', () => {
  it('reads a running execution again one poll interval after the latest read', () => {
    expect(nextReadAt(10_000, { kind: 'none' }, OPTIONS)).toBe(14_000);
  });

  it('skips the rest of a Wait, then gives the first event after it a whole interval', () => {
    expect(nextReadAt(10_000, { kind: 'until', until: 40_000 }, OPTIONS)).toBe(44_000);
    // A Wait that ends before the read went out is no reason to wait longer than usual.
    expect(nextReadAt(10_000, { kind: 'until', until: 5_000 }, OPTIONS)).toBe(14_000);
  });

  it('reads a quiet execution at least once per recheck interval', () => {
    expect(nextReadAt(10_000, { kind: 'until', until: 600_000 }, OPTIONS)).toBe(70_000);
    expect(nextReadAt(10_000, { kind: 'blocked' }, OPTIONS)).toBe(70_000);
    expect(nextReadAt(10_000, { kind: 'blocked', until: 20_000 }, OPTIONS)).toBe(24_000);
  });

  it('keeps a step line within 5 s by default: a 4 s interval leaves a second for the read itself', () => {
    expect(DEFAULT_SCHEDULE.pollIntervalMs).toBe(4000);
  });
});

describe('ServiceClockBound', () => {
  it('knows nothing before its first observation', () => {
    expect(new ServiceClockBound().earliest(1000)).toBeUndefined();
  });

  it('bounds later events by the tightest observation, whatever the offset between the clocks', () => {
    const bound = new ServiceClockBound();
    // Service clock 1 h ahead: an event stamped 3_600_500 was not there for a read sent at 0.
    bound.observe(3_600_500, 0);
    expect(bound.earliest(3_610_500)).toBe(10_000);
    bound.observe(3_620_000, 19_800);
    expect(bound.earliest(3_630_000)).toBe(29_800);
    // A looser observation later changes nothing.
    bound.observe(3_640_000, 30_000);
    expect(bound.earliest(3_650_000)).toBe(49_800);
  });
});

describe('QuietTracker', () => {
  const ARN = executionArn('p');
  const stamp = (ms: number, draft: Omit<HistoryEvent, 'id' | 'timestamp'>): HistoryEvent => ({
    ...draft,
    id: 1,
    timestamp: new Date(ms),
  });
  const wait = (ms: number): HistoryEvent =>
    stamp(ms, { type: 'WaitStateEntered', stateEnteredEventDetails: { name: 'PollWait', input: '{"a":1}' } });

  it('says a Wait was entered while it is the newest event', () => {
    const tracker = new QuietTracker(ARN);
    tracker.observe(wait(5000));
    expect(tracker.current).toEqual({ kind: 'wait', state: 'PollWait', input: '{"a":1}', enteredAt: 5000 });
    tracker.observe(stamp(6000, { ...entered('Poll') }));
    expect(tracker.current).toBeUndefined();
  });

  it('says the execution waits on a child after a startExecution.sync task was submitted', () => {
    const tracker = new QuietTracker(ARN);
    const child = executionArn('p-worker');
    tracker.observe(
      stamp(1000, {
        type: 'TaskScheduled',
        taskScheduledEventDetails: {
          resourceType: 'states',
          resource: 'startExecution.sync:2',
          region: 'eu-west-1',
          parameters: '{}',
          timeoutInSeconds: 3600,
        },
      }),
    );
    tracker.observe(stamp(1100, { ...childSubmitted(child) }));
    expect(tracker.current).toEqual({
      kind: 'child',
      executionArn: child,
      scheduledAt: 1000,
      timeoutSeconds: 3600,
    });
    tracker.observe(stamp(9000, { ...lambdaTaskSucceeded({}) }));
    expect(tracker.current).toBeUndefined();
  });

  it('claims nothing inside a Parallel or Map state, where other branches may be running', () => {
    const tracker = new QuietTracker(ARN);
    tracker.observe(
      stamp(1000, { type: 'ParallelStateEntered', stateEnteredEventDetails: { name: 'Both' } }),
    );
    tracker.observe(wait(2000));
    expect(tracker.current).toBeUndefined();
    tracker.observe(stamp(3000, { type: 'ParallelStateExited', stateExitedEventDetails: { name: 'Both' } }));
    tracker.observe(wait(4000));
    expect(tracker.current).toMatchObject({ kind: 'wait', enteredAt: 4000 });
  });
});
