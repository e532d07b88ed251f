import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { childServiceReport, mergeChecks, withChildEvidence } from '../../action/src/child-reports';
import { RequestPacer } from '../../action/src/pacer';
import type { ActionIO } from '../../action/src/types';
import type { Report, ServiceReport } from '../../core/report/types';

const CHILD = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:child-history';
const FULL: ServiceReport = {
  name: 'history',
  phase: 'core',
  outcome: 'migrated',
  checks: [
    {
      name: 'logs',
      verdict: 'passed',
      message: 'all 2 tasks ship logs',
      evidence: { query: 'sum(...)' },
      durationMs: 5,
    },
  ],
  diff: '- adot-collector',
};
const RECORD: ServiceReport = {
  name: 'history',
  phase: 'core',
  outcome: 'migrated',
  childExecutionArn: CHILD,
  checks: [{ name: 'logs', verdict: 'passed', message: '', evidence: {}, durationMs: 5 }],
  omittedChecks: 1,
};

function report(services: ServiceReport[]): Report {
  return { status: 'SUCCEEDED', mode: 'migrate', cluster: 'temporal-dev', lockReleased: true, services };
}

function deps(answer: (arn: string) => { output?: string; cause?: string } | Error) {
  const sent: string[] = [];
  const warnings: string[] = [];
  const sfn = {
    send: async (command: unknown) => {
      const arn = (command as DescribeExecutionCommand).input.executionArn ?? '';
      sent.push(arn);
      const a = answer(arn);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  const pacer = new RequestPacer(
    { now: () => 0, sleep: async () => undefined },
    { minIntervalMs: 0, maxAttempts: 1, baseBackoffMs: 0, maxBackoffMs: 0 },
  );
  const io = { warning: (m: string) => warnings.push(m) } as unknown as ActionIO;
  return { sfn: sfn as never, pacer, io, sent, warnings };
}

describe('childServiceReport', () => {
  it('reads a succeeded child output and a rolled-back child cause, and nothing else', () => {
    expect(childServiceReport(JSON.stringify({ report: FULL }), undefined)).toEqual(FULL);
    expect(
      childServiceReport(undefined, JSON.stringify({ service: 'history', serviceReport: FULL })),
    ).toEqual(FULL);
    expect(childServiceReport('not json', '{"service":"history"}')).toBeUndefined();
  });
});

describe('withChildEvidence', () => {
  it('puts back the evidence the parent left in each child, one DescribeExecution per child', async () => {
    const d = deps(() => ({ output: JSON.stringify({ report: FULL }) }));
    const out = await withChildEvidence(report([RECORD]), d);
    expect(d.sent).toEqual([CHILD]);
    expect(out.services[0]).toMatchObject({ checks: FULL.checks, diff: FULL.diff, childExecutionArn: CHILD });
    expect(out.services[0]?.omittedChecks).toBeUndefined();
  });

  it('asks nothing when the report already has its evidence', async () => {
    const d = deps(() => new Error('unexpected'));
    const whole = { ...FULL, childExecutionArn: CHILD };
    expect(await withChildEvidence(report([whole]), d)).toEqual(report([whole]));
    expect(d.sent).toEqual([]);
  });

  it('keeps the compact record and warns when a child cannot be read', async () => {
    const d = deps(() => new Error('AccessDenied'));
    const out = await withChildEvidence(report([RECORD]), d);
    expect(out.services[0]).toEqual(RECORD);
    expect(d.warnings.join('\n')).toContain('Could not read the evidence of history');
  });
});

describe('mergeChecks', () => {
  it("keeps the record's order, takes the child's fuller copies and adds what the record had no room for", () => {
    const compact = (name: string) => ({
      name,
      verdict: 'passed' as const,
      message: '',
      evidence: {},
      durationMs: 1,
    });
    const full = (name: string) => ({ ...compact(name), message: name, evidence: { query: name } });
    expect(
      mergeChecks(
        [compact('logs'), compact('rollback-deployment')],
        [full('rollback-deployment'), full('cloudwatch')],
      ),
    ).toEqual([compact('logs'), full('rollback-deployment'), full('cloudwatch')]);
  });

  it('keeps every attempt of a retried rollback: each has its own name', () => {
    const attempt = (n: number, verdict: 'passed' | 'failed') => ({
      name: `rollback-deployment-attempt-${n}`,
      verdict,
      message: `attempt ${n} of 3`,
      evidence: { query: 'DescribeServices' },
      durationMs: 1,
    });
    const child = [attempt(1, 'failed'), attempt(2, 'passed')];
    const record = child.map((c) => ({ ...c, message: '', evidence: {} }));
    expect(mergeChecks(record, child)).toEqual(child);
  });
});
