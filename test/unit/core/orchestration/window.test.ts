import { deadlineOf, evaluationTime, nextPollSeconds } from '../../../../core/orchestration/window';

const window = { startedAtMs: 1_000_000, allowanceMs: 20_000, attempts: 2 };

describe('poll timing against the deadline', () => {
  it('measures at now, never later than the deadline', () => {
    expect(deadlineOf(window)).toBe(1_020_000);
    expect(evaluationTime(window, 1_012_000)).toBe(1_012_000);
    expect(evaluationTime(window, 1_024_000)).toBe(1_020_000);
  });

  it('waits the poll interval, shortened so the last poll lands at the deadline, at least 1 s', () => {
    expect(nextPollSeconds(window, 1_000_000, 12)).toBe(12);
    expect(nextPollSeconds(window, 1_012_000, 12)).toBe(8);
    expect(nextPollSeconds(window, 1_019_500, 12)).toBe(1);
    expect(nextPollSeconds(window, 1_030_000, 12)).toBe(1);
  });
});
