import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkResultProblem, expandCheckQuery, SERVICE_PLACEHOLDER } from '../../../../core/plan/check-query';
import { parsePlanText } from '../../../../core/plan/parse-text';
import { checkQuery } from '../../../../core/queries/grammar';

describe('plan check queries', () => {
  it('fill in every $service with the service being verified', () => {
    expect(
      expandCheckQuery('sum(up{service_name="$service"}) / count(up{service_name="$service"})', 'history'),
    ).toBe('sum(up{service_name="history"}) / count(up{service_name="history"})');
    expect(SERVICE_PLACEHOLDER).toBe('$service');
  });

  it('the example plan scopes its check per service and parses once expanded', () => {
    const text = readFileSync(join(__dirname, '../../../../examples/plan.yaml'), 'utf8');
    const result = parsePlanText(text);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const check = result.plan.verification.checks[0];
    expect(check?.query).toContain('$service');
    expect(check?.whenEmpty).toBe(0);
    expect(checkQuery('logql', expandCheckQuery(check?.query ?? '', 'benchmark-worker'))).toBeNull();
  });

  it('a query still broken after expansion is refused with its path', () => {
    const text = readFileSync(join(__dirname, '../../../../examples/plan.yaml'), 'utf8').replace(
      'sum(count_over_time({service_name="$service", level="error"}[5m]))',
      'sum(count_over_time({service_name="$service", level="error"}[5m])',
    );
    const result = parsePlanText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('verification.checks[0].query');
  });

  it('a check whose LogQL returns log lines is refused, naming the check and asking for a metric query', () => {
    const text = readFileSync(join(__dirname, '../../../../examples/plan.yaml'), 'utf8').replace(
      'sum(count_over_time({service_name="$service", level="error"}[5m]))',
      // Quoted: unquoted, YAML would read the braces as a mapping.
      `'{service_name="$service", level="error"}'`,
    );
    const result = parsePlanText(text);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        {
          path: 'verification.checks[0].query',
          message:
            'check "no-error-burst" is a log query, which returns log lines; a check compares one number with ' +
            'its threshold, so it must be a metric query such as ' +
            'sum(count_over_time({service_name="$service", level="error"} [5m]))',
        },
      ]);
  });

  it('the suggested metric query is itself a valid check', () => {
    const check = {
      name: 'errors',
      language: 'logql',
      query: '{service_name="$service"} |= "panic"',
    } as const;
    const suggestion = /such as (.*)$/.exec(checkResultProblem(check) ?? '')?.[1] ?? '';
    expect(checkQuery('logql', expandCheckQuery(suggestion, 'history'))).toBeNull();
    expect(checkResultProblem({ ...check, query: suggestion })).toBeNull();
  });

  it('PromQL checks and LogQL metric queries are left alone', () => {
    expect(
      checkResultProblem({ name: 'up', language: 'promql', query: 'up{service_name="$service"}' }),
    ).toBeNull();
    expect(
      checkResultProblem({
        name: 'lines',
        language: 'logql',
        query: 'count_over_time({service_name="$service"}[1m])',
      }),
    ).toBeNull();
  });
});
