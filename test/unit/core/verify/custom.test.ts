import { assessCustom, type CustomCheckSpec } from '../../../../core/verify/custom';

const check: CustomCheckSpec = {
  name: 'no-error-burst',
  language: 'logql',
  query: 'sum(count_over_time({level="error"}[5m]))',
  op: '<',
  threshold: 100,
};

describe('assessCustom', () => {
  it('passes and fails on the comparison, with the evidence', () => {
    const ok = assessCustom(check, 3, { startMs: 0, endMs: 300_000 });
    expect(ok).toMatchObject({
      name: 'no-error-burst',
      verdict: 'passed',
      evidence: {
        query: check.query,
        values: 3,
        threshold: '< 100',
        window: { end: '1970-01-01T00:05:00.000Z' },
      },
    });
    const bad = assessCustom(check, 250);
    expect(bad.verdict).toBe('failed');
    // The name is shown beside the message wherever a check appears; it is not repeated in it.
    expect(bad.message).toBe('250 is not < 100');
  });

  it.each([
    ['>', 5, true],
    ['>', 4, false],
    ['>=', 4, true],
    ['<=', 4, true],
    ['<=', 5, false],
    ['==', 4, true],
    ['!=', 4, false],
  ] as const)('%s with value %p against 4 passes: %p', (op, value, passes) => {
    expect(assessCustom({ ...check, op, threshold: 4 }, value).verdict).toBe(passes ? 'passed' : 'failed');
  });

  it('is pending with no value, even for a check that "no value" would satisfy', () => {
    expect(assessCustom(check, undefined).verdict).toBe('pending');
    expect(assessCustom(check, null).verdict).toBe('pending');
  });

  it('is error naming the query for NaN or an infinity: NaN != 0 is true, and would pass', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const result = assessCustom({ ...check, op: '!=', threshold: 0 }, value);
      expect(result.verdict).toBe('error');
      expect(result.message).toContain(`\`${check.query}\` answered ${String(value)}`);
    }
  });

  it('is error when the query came back with an error', () => {
    const result = assessCustom(check, { error: 'parse error' });
    expect(result.verdict).toBe('error');
    expect(result.evidence).toMatchObject({ error: 'parse error' });
  });
});

describe('assessCustom with whenEmpty', () => {
  const counting: CustomCheckSpec = { ...check, whenEmpty: 0 };

  it('takes an empty result as the plan-given value and says so in the evidence', () => {
    expect(assessCustom(counting, undefined)).toMatchObject({
      verdict: 'passed',
      message: 'no series, taken as 0 (whenEmpty), is < 100',
      evidence: { values: null, emptyResultTakenAs: 0 },
    });
  });

  it('can fail on the value an empty result stands for', () => {
    expect(assessCustom({ ...check, op: '>=', threshold: 1, whenEmpty: 0 }, null).verdict).toBe('failed');
  });

  it('still reports an error body or NaN as an error: NaN is not an empty result', () => {
    expect(assessCustom(counting, { error: 'boom' }).verdict).toBe('error');
    expect(assessCustom(counting, Number.NaN).verdict).toBe('error');
  });
});
