import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { QuietTracker } from '../../action/src/quiet';
import { BusySpans, DEFAULT_SCHEDULE, EventTimeBound, nextReadAt } from '../../action/src/read-schedule';
import { childSubmitted, entered, executionArn, lambdaTaskSucceeded } from './fake-sfn';

const OPTIONS = { pollIntervalMs: 4000, recheckMs: 60_000, toleranceMs: 500, busyMarginMs: 1000 };

describe('nextReadAt', () => {
  it('reads a running execution again one poll interval after the latest read', () => {
    expect(nextReadAt(10_000, { kind: 'none' }, OPTIONS)).toBe(14_000);
  });

  it('skips the rest of a Wait, then gives the first event after it a whole interval', () => {
    expect(nextReadAt(10_000, { kind: 'until', until: 40_000 }, OPTIONS)).toBe(44_000);
    // A Wait that ends before the read went out is no reason to wait longer than usual.
    expect(nextReadAt(10_000, { kind: 'until', until: 5_000 }, OPTIONS)).toBe(14_000);
  });

  it('reads sooner after a Wait when the step after it is known to be quick, never later than an interval', () => {
    expect(nextReadAt(10_000, { kind: 'until', until: 40_000, lead: 1500 }, OPTIONS)).toBe(41_500);
    expect(nextReadAt(10_000, { kind: 'until', until: 40_000, lead: 9000 }, OPTIONS)).toBe(44_000);
    // The Wait was over before the read went out: the usual interval, not the lead.
    expect(nextReadAt(10_000, { kind: 'until', until: 9000, lead: 500 }, OPTIONS)).toBe(14_000);
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

describe('BusySpans', () => {
  it('keeps the longest of the last three spans after each Wait', () => {
    const spans = new BusySpans();
    expect(spans.after('PollWait')).toBeUndefined();
    for (const ms of [3000, 800, 900, 700]) spans.record('PollWait', ms);
    spans.record('PollWait', -5);
    expect(spans.after('PollWait')).toBe(900);
  });
});

describe('EventTimeBound', () => {
  it('knows nothing of the events of a first read', () => {
    const bound = new EventTimeBound();
    expect(bound.place(1000, undefined)).toBeUndefined();
    expect(bound.place(2000, undefined)).toBeUndefined();
  });

  it('places events after the read before the one that returned them, whatever the service clock says', () => {
    const bound = new EventTimeBound();
    // The service's clock is an hour ahead: its stamps say nothing by themselves.
    expect(bound.place(3_600_500, 0)).toBe(0);
    // Later events are later by at least the difference of their stamps.
    expect(bound.place(3_602_500, 0)).toBe(2000);
    expect(bound.place(3_602_400, 0)).toBe(2000);
    // A later read: causality gives the tighter bound.
    expect(bound.place(3_603_000, 9000)).toBe(9000);
  });

  it('puts the event after a Wait no earlier than the Wait is long', () => {
    const bound = new EventTimeBound();
    expect(bound.place(100, 4000)).toBe(4000);
    bound.nextNotBefore(4000 + 10_000);
    // Stamps half a second apart (a service clock running slower): the Wait still counts whole.
    expect(bound.place(600, 4000)).toBe(14_000);
    expect(bound.place(700, 4000)).toBe(14_100);
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
