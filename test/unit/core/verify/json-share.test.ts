import { isJsonObjectLine, jsonBaselineOf, judgeJsonShare } from '../../../../core/verify/json-share';

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

  it('allows the baseline share plus the margin, no more', () => {
    expect(judgeJsonShare({ lines: 100, nonJsonLines: 3 }, rule).outcome).toBe('ok');
    expect(judgeJsonShare({ lines: 100, nonJsonLines: 4 }, rule).outcome).toBe('failed');
  });

  it('uses the absolute ceiling when no baseline was recorded', () => {
    const without = { maxIncrease: 0.01, maxRatioWithoutBaseline: 0.05 };
    expect(judgeJsonShare({ lines: 100, nonJsonLines: 5 }, without).outcome).toBe('ok');
    const failed = judgeJsonShare({ lines: 100, nonJsonLines: 6 }, without);
    expect(failed.message).toBe(
      'JSON broken: 6% of lines are not JSON in Loki (6 of 100), above the 5% allowed without a CloudWatch baseline (no baseline was recorded)',
    );
  });
});
