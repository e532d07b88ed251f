import { mergeIntervals, overlapMs, SimulatedTime } from '../../../bench/time-model';

describe('simulated time', () => {
  it('merges overlapping intervals and measures overlap', () => {
    const merged = mergeIntervals([
      { start: 10, end: 20 },
      { start: 15, end: 30 },
      { start: 40, end: 50 },
      { start: 60, end: 60 },
    ]);
    expect(merged).toEqual([
      { start: 10, end: 30 },
      { start: 40, end: 50 },
    ]);
    expect(overlapMs(25, 45, merged)).toBe(5 + 5);
  });

  it('scales only the time spent in Wait states', () => {
    const time = new SimulatedTime(100, [{ start: 10, end: 20 }]);
    expect(time.between(0, 30)).toBe(30 + 99 * 10);
    expect(time.between(20, 30)).toBe(10);
    expect(time.between(30, 0)).toBe(-(30 + 99 * 10));
    expect(() => new SimulatedTime(0.5, [])).toThrow(/at least 1/);
  });
});
