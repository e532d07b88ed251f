import {
  isJsonObjectLine,
  jsonBaselineOf,
  judgeJsonShare,
  wilsonLowerBound,
} from '../../../../core/verify/json-share';

describe('isJsonObjectLine (what Loki `| json` parses)', () => {
  it.each([
    ['{"level":"info","msg":"started"}', true],
    ['  {"a":1}', true],
    ['{}', true],
    ['[1,2]', false],
    ['"text"', false],
    ['42', false],
    ['{"level":"info"', false],
    ['panic: runtime error: index out of range', false],
    ['goroutine 1 [running]:', false],
    ['', false],
  ])('%j is %s', (line, expected) => {
    expect(isJsonObjectLine(line)).toBe(expected);
  });
});

describe('jsonBaselineOf', () => {
  const window = { startMs: 0, endMs: 300_000 };
  it('is the share of lines that are not JSON objects', () => {
    const lines = [...Array.from({ length: 38 }, () => '{"level":"info"}'), 'banner', '[1]'];
    expect(jsonBaselineOf({ lines, window, source: 'S', sampled: false })).toEqual({
      kind: 'measured',
      lines: 40,
      nonJsonLines: 2,
      share: 0.05,
      window,
      source: 'S',
      sampled: false,
    });
  });

  it('is unavailable below the minimum sample', () => {
    expect(jsonBaselineOf({ lines: ['{}'], window, source: 'S', sampled: false })).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringMatching(/only 1 line\(s\) in CloudWatch.*at least 20/),
    });
  });
});

describe('judgeJsonShare', () => {
  const baseline = {
    kind: 'measured' as const,
    lines: 500,
    nonJsonLines: 10,
    share: 0.02,
    window: { startMs: 0, endMs: 300_000 },
    source: 'S',
    sampled: false,
  };
  const rule = { baseline, maxIncrease: 0.01, maxRatioWithoutBaseline: 0.05 };

  it('allows the baseline share plus the margin, and fails above it once chance cannot explain the excess', () => {
    expect(judgeJsonShare({ lines: 100, nonJsonLines: 3 }, rule).outcome).toBe('ok');
    // 4 % against 3 % allowed: one line over, within chance at 100 lines (lower bound 1.3 %).
    const close = judgeJsonShare({ lines: 100, nonJsonLines: 4 }, rule);
    expect(close.outcome).toBe('not-judged');
    expect(close.message).toBe(
      'JSON share not judged yet: 4% of lines not JSON in Loki (4 of 100), above the allowed 3%, but too few lines to tell from chance or a start-up banner (99% lower bound 1.3%)',
    );
    // The same 4 % over 5,000 lines is no longer chance.
    expect(judgeJsonShare({ lines: 5_000, nonJsonLines: 200 }, rule).outcome).toBe('failed');
  });

  it('fails a pipeline that breaks every line on its first five lines, and waits on one banner among 20', () => {
    // Four plain lines may be a start-up banner; the fifth in a row is a broken pipeline.
    expect(judgeJsonShare({ lines: 4, nonJsonLines: 4 }, rule).outcome).toBe('not-judged');
    const broken = judgeJsonShare({ lines: 5, nonJsonLines: 5 }, rule);
    expect(broken.outcome).toBe('failed');
    expect(broken.evidence.lokiNonJsonShareLowerBound).toBeCloseTo(0.4803, 3);
    expect(judgeJsonShare({ lines: 20, nonJsonLines: 1 }, rule).outcome).toBe('not-judged');
  });

  it('bounds a share from below: the Wilson score interval', () => {
    expect(wilsonLowerBound(0, 10)).toBe(0);
    expect(wilsonLowerBound(0, 0)).toBe(0);
    // 12 of 46 at 99 %: the sandbox's one stack trace in a 30 s soak.
    expect(wilsonLowerBound(12, 46)).toBeCloseTo(0.141, 3);
    expect(wilsonLowerBound(500, 1_000)).toBeCloseTo(0.4634, 3);
  });

  it('uses the absolute ceiling when no baseline was recorded', () => {
    const without = { maxIncrease: 0.01, maxRatioWithoutBaseline: 0.05 };
    expect(judgeJsonShare({ lines: 100, nonJsonLines: 5 }, without).outcome).toBe('ok');
    const failed = judgeJsonShare({ lines: 100, nonJsonLines: 15 }, without);
    expect(failed.message).toBe(
      'JSON broken: 15% of lines are not JSON in Loki (15 of 100), above the 5% allowed without a CloudWatch baseline (no baseline was recorded)',
    );
  });
});
