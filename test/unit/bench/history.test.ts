import { analyseHistory, billedMs, type HistoryEventLike } from '../../../bench/history';

let id = 0;
const ev = (type: string, timestampMs: number, stateName?: string, data?: string): HistoryEventLike => ({
  id: ++id,
  type,
  timestampMs,
  ...(stateName ? { stateName } : {}),
  ...(data ? { data } : {}),
});

describe('analyseHistory', () => {
  it('counts states entered plus Lambda retries as transitions, and pairs Lambda start and end', () => {
    const events = [
      ev('ExecutionStarted', 0, undefined, '{"mode":"service-migrate"}'),
      ev('TaskStateEntered', 1, 'Register', '{"a":1}'),
      ev('LambdaFunctionScheduled', 2),
      ev('LambdaFunctionStarted', 3),
      ev('LambdaFunctionFailed', 5),
      ev('LambdaFunctionScheduled', 6),
      ev('LambdaFunctionStarted', 7),
      ev('LambdaFunctionSucceeded', 10.2),
      ev('TaskStateExited', 11, 'Register', '{"a":12345}'),
      ev('WaitStateEntered', 12, 'Soak'),
      ev('WaitStateExited', 40, 'Soak'),
      ev('SucceedStateEntered', 41, 'Done'),
    ];
    const stats = analyseHistory(events);
    expect(stats.events).toBe(12);
    expect(stats.stateTransitions).toBe(3 + 1);
    expect(stats.lambdaInvocations).toEqual([
      { state: 'Register', startMs: 3, durationMs: 2, failed: true },
      { state: 'Register', startMs: 7, durationMs: expect.closeTo(3.2, 5), failed: false },
    ]);
    expect(stats.waits).toEqual([{ state: 'Soak', start: 12, end: 40 }]);
    expect(stats.maxPayloadBytes).toBe('{"mode":"service-migrate"}'.length);
    expect(billedMs(stats.lambdaInvocations)).toBe(2 + 4);
  });
});
