import { lineLatency, parentGrowth, payloadBreakdown, pendingReasons } from '../../../bench/figures';

describe('pendingReasons', () => {
  it('collects the messages of pending step results from Verify* outputs, with task ids and numbers folded', () => {
    const exit = (stateName: string, data: unknown) => ({
      type: 'TaskStateExited',
      stateName,
      data: JSON.stringify(data),
    });
    const events = [
      exit('VerifyMetrics', {
        deployment: { verdict: 'passed' },
        metrics: {
          verdict: 'pending',
          progress: { message: 'up missing for 0123456789abcdef0123456789abcdef after 12 polls' },
        },
      }),
      exit('VerifyMetrics', {
        metrics: {
          verdict: 'pending',
          progress: { message: 'up missing for fedcba9876543210fedcba9876543210 after 13 polls' },
        },
      }),
      exit('VerifyLogs', { logs: { verdict: 'passed', progress: { message: 'ok' } } }),
      exit('Register', { register: { verdict: 'pending', progress: { message: 'not a check' } } }),
      { type: 'TaskStateEntered', stateName: 'VerifyLogs', data: '{}' },
    ];
    expect(pendingReasons(events)).toEqual({ 'VerifyMetrics: up missing for <task> after N polls': 2 });
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
    expect(lineLatency([100, 40, 250], 20)).toEqual({
      lines: 3,
      followerClock: { medianMs: 2000, worstMs: 5000 },
      wall: { medianMs: 100, worstMs: 250 },
    });
  });

  it('is null when no line was printed', () => {
    expect(lineLatency([], 20)).toBeNull();
  });
});
