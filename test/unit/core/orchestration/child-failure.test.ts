import fc from 'fast-check';
import {
  boundServiceReport,
  CHECK_EVIDENCE_LIMIT,
  CHILD_CAUSE_LIMIT,
  childFailureText,
  describeCaught,
} from '../../../../core/orchestration';
import type { CheckResult, FailureCause, ServiceReport } from '../../../../core/report/types';

const check = (name: string, verdict: CheckResult['verdict'], valuesChars = 10): CheckResult => ({
  name,
  verdict,
  message: `${name} ${verdict}`,
  evidence: {
    query: `q{service_name="${name}"}`,
    window: { start: 's', end: 'e' },
    values: { seen: 'x'.repeat(valuesChars) },
  },
  durationMs: 5,
});

const record = (checks: CheckResult[]): ServiceReport => ({
  name: 'history',
  phase: 'core',
  ecsService: 'temporal-dev-temporal-history',
  outcome: 'rolled-back',
  taskDefinitionBefore: 'td/history:1',
  taskDefinitionAfter: 'td/history:1',
  finalCollector: 'adot',
  finalLogDriver: 'awslogs',
  logsReceivedBy: 'cloudwatch',
  checks,
  startedAt: 'start',
  finishedAt: 'end',
});

const cause: FailureCause = {
  service: 'history',
  check: 'logs',
  message: 'no lines',
  evidence: { tasksWithoutLines: ['a'] },
};

const size = (v: unknown) => JSON.stringify(v).length;

describe('boundServiceReport', () => {
  it('returns a record that fits unchanged', () => {
    const r = record([check('deployment', 'passed'), check('logs', 'failed')]);
    expect(boundServiceReport(r, 10_000)).toBe(r);
  });

  it('first shortens only evidence over the per-check limit, keeping query and window', () => {
    const big = check('deployment', 'passed', CHECK_EVIDENCE_LIMIT + 100);
    const r = record([big, check('logs', 'failed')]);
    const bounded = boundServiceReport(r, size(r) - 100);
    expect(bounded.checks.map((c) => c.name)).toEqual(['deployment', 'logs']);
    expect(bounded.checks[0]?.evidence).toEqual({
      query: big.evidence.query,
      window: big.evidence.window,
      truncated: expect.objectContaining({ chars: size(big.evidence) }) as unknown,
    });
    expect(bounded.checks[1]).toEqual(check('logs', 'failed'));
    expect(bounded.warnings).toEqual([expect.stringContaining('evidence of 1 check(s) shortened')]);
    expect(size(bounded)).toBeLessThanOrEqual(size(r) - 100);
  });

  it("drops passed checks' evidence before the failed check's, and evidence before any check", () => {
    const r = record([
      check('deployment', 'passed', 1500),
      check('logs', 'failed', 1500),
      check('cloudwatch', 'passed', 1500),
    ]);
    const bounded = boundServiceReport(r, 2600);
    expect(bounded.checks.map((c) => c.name)).toEqual(['deployment', 'logs', 'cloudwatch']);
    expect('truncated' in bounded.checks[0]!.evidence).toBe(true);
    expect('truncated' in bounded.checks[2]!.evidence).toBe(true);
    expect(bounded.checks[1]?.evidence.values).toEqual({ seen: 'x'.repeat(1500) });
    expect(size(bounded)).toBeLessThanOrEqual(2600);
  });

  it('drops checks only after all evidence, passed and oldest first, and says how many', () => {
    const checks = Array.from({ length: 40 }, (_, i) => check(`c${i}`, 'passed'));
    checks[20] = check('logs', 'failed');
    const r = record(checks);
    const bounded = boundServiceReport(r, 1500);
    expect(size(bounded)).toBeLessThanOrEqual(1500);
    expect(bounded.checks.length).toBeGreaterThan(0);
    expect(bounded.checks.length).toBeLessThan(40);
    expect(bounded.checks.map((c) => c.name)).toContain('logs');
    // The newest passed checks are the ones kept.
    expect(bounded.checks.at(-1)?.name).toBe('c39');
    expect(bounded.checks.every((c) => 'truncated' in c.evidence)).toBe(true);
    const dropped = 40 - bounded.checks.length;
    expect(bounded.warnings).toContain(`${dropped} check(s) dropped to fit 1500 characters`);
  });

  it('keeps the identity when nothing else fits', () => {
    const r = { ...record([check('logs', 'failed')]), warnings: ['w'.repeat(5000)] };
    const bounded = boundServiceReport(r, 600);
    expect(bounded).toMatchObject({
      name: 'history',
      outcome: 'rolled-back',
      taskDefinitionAfter: 'td/history:1',
      checks: [],
    });
    expect(size(bounded)).toBeLessThanOrEqual(600);
  });

  it('never exceeds the budget (any checks, any evidence sizes)', () => {
    const arbCheck = fc
      .tuple(
        fc.string({ maxLength: 30 }),
        fc.constantFrom<CheckResult['verdict']>('passed', 'failed', 'pending', 'error'),
        fc.nat({ max: 6000 }),
      )
      .map(([name, verdict, n]) => check(name, verdict, n));
    fc.assert(
      fc.property(fc.array(arbCheck, { maxLength: 30 }), fc.integer({ min: 800, max: 20_000 }), (cs, max) => {
        const bounded = boundServiceReport(record(cs), max);
        expect(size(bounded)).toBeLessThanOrEqual(max);
        // A failed check outlives every passed one.
        const failed = cs.filter((c) => c.verdict === 'failed').length;
        if (failed > 0 && bounded.checks.length > 0 && bounded.checks.some((c) => c.verdict === 'passed'))
          expect(bounded.checks.filter((c) => c.verdict === 'failed')).toHaveLength(failed);
      }),
      { numRuns: 200 },
    );
  });
});

describe('childFailureText', () => {
  const wrapped = (text: string) => ({
    Error: 'States.TaskFailed',
    Cause: JSON.stringify({ ExecutionArn: 'arn:child', Status: 'FAILED', Error: 'RolledBack', Cause: text }),
  });

  it('holds the compact cause and the record; describeCaught splits them', () => {
    const r = record([check('deployment', 'passed'), check('logs', 'failed'), check('cloudwatch', 'passed')]);
    const text = childFailureText(cause, r);
    const described = describeCaught(wrapped(text));
    expect(described.error).toBe('RolledBack');
    expect(described.cause).toEqual(cause);
    expect(described.serviceReport).toEqual(r);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'service',
      'check',
      'message',
      'evidence',
      'serviceReport',
    ]);
  });

  it('stays within the limit with a huge record, keeping the compact cause whole', () => {
    const r = record(Array.from({ length: 200 }, (_, i) => check(`c${i}`, 'passed', 3000)));
    const text = childFailureText(cause, r);
    expect(text.length).toBeLessThanOrEqual(CHILD_CAUSE_LIMIT);
    const described = describeCaught(wrapped(text));
    expect(described.cause).toEqual(cause);
    expect(described.serviceReport?.warnings?.join(' ')).toContain('dropped');
  });

  it("shortens the compact cause's own evidence when it alone would take half the budget", () => {
    const huge: FailureCause = { ...cause, evidence: { values: 'v'.repeat(CHILD_CAUSE_LIMIT) } };
    const text = childFailureText(huge, record([check('logs', 'failed')]));
    expect(text.length).toBeLessThanOrEqual(CHILD_CAUSE_LIMIT);
    const described = describeCaught(wrapped(text));
    expect(described.cause).toMatchObject({ service: 'history', check: 'logs', message: 'no lines' });
    expect(described.cause.evidence).toEqual({ truncated: expect.any(Object) as unknown });
    expect(described.serviceReport?.name).toBe('history');
  });

  it('a compact cause alone (an older child, or a failed rollback) carries no record', () => {
    const described = describeCaught(wrapped(JSON.stringify(cause)));
    expect(described.serviceReport).toBeUndefined();
  });
});
