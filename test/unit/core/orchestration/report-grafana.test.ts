import { assembleReport, causeText, type FinalizeFacts } from '../../../../core/orchestration';
import type { CheckResult } from '../../../../core/report/types';

const planned = [
  { name: 'worker', phase: 'canary', ecsService: 'svc-worker' },
  { name: 'history', phase: 'core', ecsService: 'svc-history' },
];
const work = planned.map((p) => ({
  ...p,
  taskDefinitionArn: `td/${p.name}:1`,
  baselineArn: `td/${p.name}:1`,
  seriesBaseline: null,
}));
const facts = (over: Partial<FinalizeFacts>): FinalizeFacts => ({
  mode: 'migrate',
  cluster: 'c',
  executionArn: 'arn:run',
  lockReleased: true,
  finishedAt: 'end',
  planned,
  work,
  preflightReports: [],
  migrated: [],
  rollbacks: [],
  ...over,
});
const check = (name: string, verdict: CheckResult['verdict']): CheckResult => ({
  name,
  verdict,
  message: `${name} ${verdict}`,
  evidence: { query: name },
  durationMs: 1,
});
const migrated = (name: string) => ({
  name,
  phase: 'x',
  outcome: 'migrated',
  checks: [check('logs', 'passed')],
});
const rolledBack = (name: string) => ({ record: { name, phase: 'x', outcome: 'rolled-back', checks: [] } });

describe('report: the Grafana checks', () => {
  it('a failed Grafana checkpoint is the cause, nothing touched, its checks under report.grafana', () => {
    const cause = { check: 'grafana-datasource', message: 'no datasource', evidence: {} };
    const { report, end } = assembleReport(
      facts({
        loki: { verdict: 'passed', checks: [check('loki-canary', 'passed')] },
        grafana: { verdict: 'failed', checks: [check('grafana-datasource', 'failed')], cause },
      }),
    );
    expect(report.cause).toEqual(cause);
    expect(report.grafana?.checks.map((c) => c.name)).toEqual(['grafana-datasource']);
    expect(report.services.every((s) => s.outcome === 'untouched')).toBe(true);
    expect(end?.cause).toBe(causeText(cause));
  });

  it('a failed dashboards check after the last phase ends ROLLED_BACK once every service came back', () => {
    const cause = {
      check: 'grafana-dashboards',
      message: 'no data',
      evidence: { failingServices: ['history'] },
    };
    const { report } = assembleReport(
      facts({
        grafana: {
          verdict: 'passed',
          checks: [
            check('grafana-datasource', 'passed'),
            check('grafana-canary', 'passed'),
            check('grafana-dashboards', 'failed'),
          ],
        },
        failure: { Error: 'GrafanaDashboardsFailed', Cause: causeText(cause) },
        migrated: [migrated('worker'), migrated('history')],
        rollbacks: [rolledBack('history'), rolledBack('worker')],
      }),
    );
    expect(report.status).toBe('ROLLED_BACK');
    expect(report.cause).toMatchObject({ check: 'grafana-dashboards' });
    expect(report.services.map((s) => [s.name, s.outcome])).toEqual([
      ['worker', 'rolled-back'],
      ['history', 'rolled-back'],
    ]);
    expect(report.grafana?.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['grafana-datasource', 'passed'],
      ['grafana-canary', 'passed'],
      ['grafana-dashboards', 'failed'],
    ]);
  });

  it('a run without Grafana has no grafana entry', () => {
    expect(assembleReport(facts({ migrated: [migrated('worker')] })).report.grafana).toBeUndefined();
  });
});
