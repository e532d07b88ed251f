import { checkQuery, describeProblem, isLogQuery } from '../../../../core/queries/grammar';

describe('checkQuery', () => {
  it('accepts valid LogQL and PromQL', () => {
    expect(checkQuery('logql', 'sum(count_over_time({job="x"}[5m]))')).toBeNull();
    expect(checkQuery('promql', 'rate(http_requests_total[5m])')).toBeNull();
  });

  it('points at where an unterminated query stops making sense', () => {
    const problem = checkQuery('logql', '{job="x"} |= "abc');
    expect(problem).toEqual({ offset: 13, near: '"abc' });
    expect(describeProblem('logql', problem!)).toBe(
      'not valid LogQL: parse error at offset 13 near "\\"abc"',
    );
  });

  it('refuses an empty query, which the grammars would accept', () => {
    const problem = checkQuery('promql', '   ');
    expect(problem).toEqual({ offset: 0, near: '<empty query>' });
    expect(describeProblem('promql', problem!)).toMatch(/^not valid PromQL/);
  });
});

describe('isLogQuery', () => {
  it.each([
    ['{job="x"}', true],
    ['{job="x"} |= "error" | json | level="error"', true],
    ['({job="x"})', true],
    ['count_over_time({job="x"}[5m])', false],
    ['sum by (task_id) (count_over_time({job="x"} | json | __error__!="" [5m])) > 0', false],
    ['(count_over_time({job="x"}[5m]))', false],
    ['vector(1)', false],
  ])('%s: %s', (query, expected) => {
    expect(isLogQuery(query)).toBe(expected);
  });
});
