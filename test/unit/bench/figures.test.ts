import { lineLatency, parentGrowth, payloadBreakdown } from '../../../bench/figures';
import { verifyTimeline } from '../../../bench/verify-timeline';

describe('verifyTimeline', () => {
  const T = Date.UTC(2026, 11, 3, 12, 0, 0);
  let id = 0;
  const event = (type: string, stateName: string | undefined, data: unknown) => ({
    id: (id += 1),
    timestampMs: 0,
    type,
    ...(stateName ? { stateName } : {}),
    data: JSON.stringify(data),
  });
  const poll = (
    atS: number,
    completedS: number | null,
    passingS: (number | null)[],
    checks: unknown[] = [],
  ) =>
    event('TaskStateExited', 'Verify', {
      register: { startedAt: new Date(T - 2000).toISOString() },
      verify: {
        verdict: 'pending',
        checks,
        verification: {
          startedAtMs: T,
          polls: atS / 10,
          lastPollAtMs: T + atS * 1000,
          completedAtMs: completedS === null ? null : T + completedS * 1000,
          checks: passingS.map((p, i) => ({
            name: `c${i}`,
            passingSinceMs: p === null ? null : T + p * 1000,
          })),
        },
      },
    });

  it('reads the update, completion, soak start and verdict from the polls, on the product clock', () => {
    const events = [
      event('ExecutionStarted', undefined, { plan: { verification: { soak: '2m' } } }),
      poll(
        10,
        null,
        [10, null],
        [
          {
            name: 'metrics',
            verdict: 'pending',
            message: 'no up series yet for 0123456789abcdef0123456789abcdef',
          },
        ],
      ),
      poll(40, 33, [10, 20]),
      poll(153, 33, [10, 20]),
    ];
    expect(verifyTimeline(events)).toEqual({
      registerStartedAtMs: T - 2000,
      updatedAtMs: T,
      completedAtMs: T + 33_000,
      completionSeenAtMs: T + 40_000,
      soakStartMs: T + 33_000,
      soakMs: 120_000,
      verdict: 'pending',
      verdictAtMs: T + 153_000,
      polls: 15.3,
      notPassing: { 'metrics: no up series yet for <task>': 1 },
    });
  });

  it('has no soak start while a check is not passing, and nothing at all without a poll', () => {
    expect(verifyTimeline([poll(40, 33, [10, null])])?.soakStartMs).toBeNull();
    expect(verifyTimeline([event('ExecutionStarted', undefined, {})])).toBeUndefined();
  });
});

describe('payloadBreakdown', () => {
  it('names the largest fields of a state payload, one level into the largest', () => {
    const data = JSON.stringify({
      plan: { phases: 'x'.repeat(50), cluster: 'c' },
      run: { index: 1 },
      results: 'y'.repeat(30),
    });
    expect(payloadBreakdown(data, 3)).toEqual([
      { field: 'plan', bytes: JSON.stringify({ phases: 'x'.repeat(50), cluster: 'c' }).length },
      { field: 'plan.phases', bytes: 52 },
      { field: 'results', bytes: 32 },
    ]);
    expect(payloadBreakdown('not json')).toEqual([]);
  });
});

describe('parentGrowth', () => {
  it('records events and state size at each ServiceDone, leaving out payloads at the limit', () => {
    const done = (size: number) => ({
      id: 0,
      timestampMs: 0,
      type: 'PassStateExited',
      stateName: 'ServiceDone',
      data: 'x'.repeat(size),
    });
    const other = {
      id: 0,
      timestampMs: 0,
      type: 'TaskStateEntered',
      stateName: 'MigrateService',
      data: '{}',
    };
    expect(parentGrowth([other, done(10), other, other, done(20), done(100)], 100)).toEqual([
      { services: 1, events: 2, payloadBytes: 10 },
      { services: 2, events: 5, payloadBytes: 20 },
    ]);
  });
});

describe('lineLatency', () => {
  it("gives the median and worst delay on the wall clock and on the follower's clock (wall x speed)", () => {
    expect(lineLatency([100, 40, 260], 20)).toEqual({
      lines: 3,
      followerClock: { medianMs: 2000, p95Ms: 5200, worstMs: 5200, linesOverBound: 1, boundMs: 5000 },
      wall: { medianMs: 100, p95Ms: 260, worstMs: 260 },
    });
  });

  it('is null when no line was printed', () => {
    expect(lineLatency([], 20)).toBeNull();
  });
});
