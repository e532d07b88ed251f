import {
  BASELINE_READ_ATTEMPTS,
  BASELINE_READ_DELAYS_MS,
  baselineReading,
  readBaselines,
  unreadableBaselineProblem,
  type BaselineReading,
} from '../../../../core/verify/baseline';

const AT = 1_767_268_800_000;
const sample = (value: number, timestampMs = AT) => ({ labels: {}, value, timestampMs });

describe('baselineReading', () => {
  it('reads a count, and an empty answer as a measured 0 (the service had no series)', () => {
    expect(baselineReading({ query: 'q', data: [sample(26)] }, AT)).toEqual({ count: 26 });
    expect(baselineReading({ query: 'q', data: [] }, AT)).toEqual({ count: 0 });
  });

  it('is unreadable for an error body, a non-finite count or a stale stamp', () => {
    expect(baselineReading({ query: 'q', error: 'execution: boom' }, AT)).toEqual({
      unreadable: 'execution: boom',
    });
    expect(baselineReading({ query: 'q', data: [sample(Number.NaN)] }, AT)).toEqual({
      unreadable: 'answered NaN, not a count',
    });
    expect(baselineReading({ query: 'q', data: [sample(26, AT - 7_200_000)] }, AT)).toMatchObject({
      unreadable: expect.stringMatching(/^answered with samples stamped .* not at the requested/),
    });
  });
});

describe('readBaselines', () => {
  it('retries only the unreadable ones, all together after each delay, up to the attempt limit', async () => {
    const calls: string[] = [];
    const slept: number[] = [];
    let historyTries = 0;
    const read = async (service: string): Promise<BaselineReading> => {
      calls.push(service);
      if (service === 'worker') return { count: 3 };
      if (service === 'history') return ++historyTries < 2 ? { unreadable: 'once' } : { count: 26 };
      return { unreadable: 'always' };
    };
    const out = await readBaselines(['worker', 'history', 'matching'], read, async (ms) => {
      slept.push(ms);
    });
    expect(out.get('worker')).toEqual({ reading: { count: 3 }, attempts: 1 });
    expect(out.get('history')).toEqual({ reading: { count: 26 }, attempts: 2 });
    expect(out.get('matching')).toEqual({
      reading: { unreadable: 'always' },
      attempts: BASELINE_READ_ATTEMPTS,
    });
    expect(slept).toEqual([...BASELINE_READ_DELAYS_MS]);
    expect(calls.filter((c) => c === 'worker')).toHaveLength(1);
    expect(unreadableBaselineProblem('count(x)', 3, 'always')).toMatch(
      /could not read the series baseline `count\(x\)` in 3 attempt\(s\): always;.*requireBaseline: false/,
    );
  });

  it('reads nothing and waits for nothing with no service', async () => {
    const sleep = jest.fn(async () => undefined);
    expect((await readBaselines([], async () => ({ count: 1 }), sleep)).size).toBe(0);
    expect(sleep).not.toHaveBeenCalled();
  });
});
