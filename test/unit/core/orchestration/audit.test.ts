import {
  advanceAudit,
  auditReports,
  boundAuditState,
  type AuditMeasurement,
} from '../../../../core/orchestration/audit';
import { assembleReport } from '../../../../core/orchestration/report';
import type { Assessment } from '../../../../core/verify';

const T0 = Date.parse('2026-12-03T12:00:00Z');
const TIMING = { pollMs: 10_000, deadlineMs: { logs: 60_000, metrics: 120_000 }, defaultDeadlineMs: 60_000 };
const NAMES = ['history', 'matching'];
const TD = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:${n}`;

function check(name: string, verdict: Assessment['verdict'], message = `${name} ${verdict}`): Assessment {
  return { name, verdict, message, evidence: { query: name, values: {}, threshold: 'x' } };
}

function measured(name: string, ...assessments: Assessment[]): AuditMeasurement {
  return { name, taskDefinitionArn: TD(8), collector: 'alloy', assessments };
}

describe('advanceAudit', () => {
  it('passes once every service has every check passed', () => {
    const step = advanceAudit(
      undefined,
      NAMES.map((n) =>
        measured(n, check('drift', 'passed'), check('logs', 'passed'), check('metrics', 'passed')),
      ),
      { nowMs: T0, serviceNames: NAMES },
      TIMING,
    );
    expect(step.verdict).toBe('passed');
    expect(step.state.services.map((s) => s.verdict)).toEqual(['passed', 'passed']);
    expect(step.cause).toBeUndefined();
  });

  it('keeps polling a pending check until its own deadline, then fails it naming the service', () => {
    const first = advanceAudit(
      undefined,
      [measured('history', check('drift', 'passed'), check('logs', 'pending', 'no lines yet'))],
      { nowMs: T0, serviceNames: ['history'] },
      TIMING,
    );
    expect(first.verdict).toBe('pending');
    expect(first.waitSeconds).toBe(10);
    const late = advanceAudit(
      first.state,
      [measured('history', check('drift', 'passed'), check('logs', 'pending', 'no lines yet'))],
      { nowMs: T0 + 55_000, serviceNames: ['history'] },
      TIMING,
    );
    // The next poll lands on the logs deadline, not a whole interval after it.
    expect(late.waitSeconds).toBe(5);
    const settled = advanceAudit(
      late.state,
      [measured('history', check('drift', 'passed'), check('logs', 'pending', 'no lines yet'))],
      { nowMs: T0 + 60_000, serviceNames: ['history'] },
      TIMING,
    );
    expect(settled.verdict).toBe('failed');
    expect(settled.cause).toMatchObject({ service: 'history', check: 'logs' });
    expect(settled.cause?.message).toBe(
      '1 of 1 service(s) failed verification: history: logs: still pending at the deadline (1m after start): no lines yet',
    );
  });

  it('fails at once on drift and names each failed service; a judged service is not measured again', () => {
    const drift = check(
      'drift',
      'failed',
      'history runs ADOT again: task definition :14 registered by something other than alloy-rollout',
    );
    const first = advanceAudit(
      undefined,
      [measured('history', drift), measured('matching', check('drift', 'passed'), check('logs', 'pending'))],
      { nowMs: T0, serviceNames: NAMES },
      TIMING,
    );
    expect(first.verdict).toBe('pending');
    expect(first.state.services[0]?.verdict).toBe('failed');
    const second = advanceAudit(
      first.state,
      [measured('matching', check('drift', 'passed'), check('logs', 'failed', '1 task(s) without a line'))],
      { nowMs: T0 + 10_000, serviceNames: NAMES },
      TIMING,
    );
    expect(second.verdict).toBe('failed');
    expect(second.state.services[0]?.checks).toEqual(first.state.services[0]?.checks);
    expect(second.cause?.service).toBeUndefined();
    expect(second.cause?.check).toBe('verify');
    expect(second.cause?.message).toBe(
      '2 of 2 service(s) failed verification: history runs ADOT again: task definition :14 registered by something other than alloy-rollout; matching: logs: 1 task(s) without a line',
    );
  });

  it('reports verified, drifted and unhealthy services with the revision they run', () => {
    const step = advanceAudit(
      undefined,
      [
        measured('history', check('drift', 'failed')),
        measured('matching', check('drift', 'passed'), check('metrics', 'failed')),
        measured('frontend', check('drift', 'passed'), check('logs', 'passed')),
      ],
      { nowMs: T0, serviceNames: ['history', 'matching', 'frontend'] },
      TIMING,
    );
    const planned = ['history', 'matching', 'frontend'].map((name) => ({
      name,
      phase: 'core',
      ecsService: name,
    }));
    const reports = auditReports(step.state, planned, new Date(T0).toISOString());
    expect(reports.map((r) => [r.name, r.outcome])).toEqual([
      ['history', 'drifted'],
      ['matching', 'unhealthy'],
      ['frontend', 'verified'],
    ]);
    expect(reports[2]).toMatchObject({
      taskDefinitionBefore: TD(8),
      taskDefinitionAfter: TD(8),
      finalCollector: 'alloy',
    });
  });
});

describe('boundAuditState', () => {
  it("keeps everything within the budget, and past it drops only verified services' measured values", () => {
    const big = {
      query: 'q',
      window: { start: 'a', end: 'b' },
      values: { rows: 'x'.repeat(2000) },
      threshold: 't',
    };
    const step = advanceAudit(
      undefined,
      [
        { ...measured('history', { ...check('logs', 'passed'), evidence: big }) },
        { ...measured('matching', { ...check('logs', 'failed'), evidence: big }) },
      ],
      { nowMs: T0, serviceNames: NAMES },
      TIMING,
    );
    expect(boundAuditState(step.state, 100_000)).toBe(step.state);
    // Room for all but most of the verified service's 2 KB of values.
    const bounded = boundAuditState(step.state, Buffer.byteLength(JSON.stringify(step.state)) - 1_500);
    expect(bounded.services[0]?.checks[0]?.evidence).toEqual({
      query: 'q',
      window: { start: 'a', end: 'b' },
      threshold: 't',
      values: expect.stringMatching(/^left out/),
    });
    expect(bounded.services[1]?.checks[0]?.evidence['values']).toEqual(big.values);
    const smallest = boundAuditState(step.state, 10);
    expect(smallest.services[0]?.checks[0]).toMatchObject({
      name: 'logs',
      verdict: 'passed',
      evidence: { values: expect.stringMatching(/^left out/) },
    });
    expect(Object.keys(smallest.services[0]?.checks[0]?.evidence ?? {})).toEqual(['values']);
    expect(smallest.services[1]?.checks[0]?.evidence['values']).toEqual(big.values);
  });
});

describe('assembleReport in verify mode', () => {
  const planned = [{ name: 'history', phase: 'core', ecsService: 'temporal-dev-history' }];
  const facts = {
    mode: 'verify' as const,
    cluster: 'temporal-dev',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:verify-1',
    lockReleased: true,
    finishedAt: new Date(T0).toISOString(),
    planned,
    work: [
      {
        name: 'history',
        phase: 'core',
        ecsService: 'temporal-dev-history',
        taskDefinitionArn: TD(8),
        baselineArn: TD(8),
        seriesBaseline: null,
      },
    ],
    preflightReports: [],
    migrated: [],
    rollbacks: [],
  };

  it('ends VerifyFailed (status FAILED, never ROLLED_BACK) with the audit cause', () => {
    const step = advanceAudit(
      undefined,
      [
        measured(
          'history',
          check(
            'drift',
            'failed',
            'history runs ADOT again: task definition :14 registered by something other than alloy-rollout',
          ),
        ),
      ],
      { nowMs: T0, serviceNames: ['history'] },
      TIMING,
    );
    const { report, end } = assembleReport({
      ...facts,
      audit: { verdict: step.verdict, state: step.state, cause: step.cause },
    });
    expect(end?.error).toBe('VerifyFailed');
    expect(report).toMatchObject({
      status: 'FAILED',
      mode: 'verify',
      cause: { service: 'history', check: 'drift' },
    });
    expect(report.services[0]?.outcome).toBe('drifted');
  });

  it('succeeds when the audit passed, and fails when it never gave a verdict', () => {
    const step = advanceAudit(
      undefined,
      [measured('history', check('drift', 'passed'))],
      { nowMs: T0, serviceNames: ['history'] },
      TIMING,
    );
    const ok = assembleReport({ ...facts, audit: { verdict: step.verdict, state: step.state } });
    expect(ok.end).toBeNull();
    expect(ok.report.status).toBe('SUCCEEDED');
    expect(ok.report.services[0]?.outcome).toBe('verified');
    const cut = assembleReport(facts);
    expect(cut.end?.error).toBe('VerifyFailed');
    expect(cut.report.cause?.message).toMatch(/did not finish/);
  });

  it('fails on the dashboards check that ran after a passed audit, and reports the Grafana checks', () => {
    const step = advanceAudit(
      undefined,
      [measured('history', check('drift', 'passed'))],
      { nowMs: T0, serviceNames: ['history'] },
      TIMING,
    );
    const dashboards = {
      name: 'grafana-dashboards',
      verdict: 'failed' as const,
      message: 'dashboard temporal-services panel 2 returned no data for history',
      evidence: { query: 'sum(rate(x[5m]))', values: [], threshold: 'data' },
      durationMs: 0,
    };
    const { report, end } = assembleReport({
      ...facts,
      audit: { verdict: step.verdict, state: step.state },
      grafana: { verdict: 'passed', checks: [dashboards] },
    });
    expect(end?.error).toBe('VerifyFailed');
    expect(report.cause).toMatchObject({ check: 'grafana-dashboards', message: dashboards.message });
    expect(report.grafana?.checks).toEqual([dashboards]);
    expect(report.services[0]?.outcome).toBe('verified');
  });

  it('names a refusal RolloutRefused, like the other modes', () => {
    const { end } = assembleReport({
      ...facts,
      refusal: { Error: 'InputInvalid', Cause: '{"errorMessage":"bad"}' },
    });
    expect(end?.error).toBe('RolloutRefused');
  });
});
