import { renderSummary, type SummaryInput } from '../../action/src/summary';
import type { Report } from '../../core/report/types';
import rolledBack from '../fixtures/action/report-rolled-back.json';
import { inputsFor } from './inputs-fixture';

const base = rolledBack as Report;
const dashboards = {
  name: 'grafana-dashboards',
  verdict: 'failed' as const,
  message:
    '1 of 2 panel queries returned no data, e.g. dashboard temporal-services, panel Requests per second (id 2), A',
  evidence: {
    query: 'POST /api/ds/query per panel query selecting history',
    values: { failingServices: ['history'] },
  },
  durationMs: 60_000,
};
const report: Report = {
  ...base,
  cause: { check: 'grafana-dashboards', message: dashboards.message, evidence: dashboards.evidence },
  grafana: {
    checks: [
      {
        name: 'grafana-datasource',
        verdict: 'passed',
        message: 'Loki datasource "Loki" (loki) healthy',
        evidence: { query: 'GET /api/datasources/uid/loki and /api/datasources/uid/loki/health' },
        durationMs: 10,
      },
      dashboards,
    ],
  },
};
const input: SummaryInput = {
  mode: 'migrate',
  plan: inputsFor().plan,
  region: 'eu-west-1',
  executionArn: report.executionArn ?? '',
  status: 'ROLLED_BACK',
  attached: false,
  report,
  ...(report.cause ? { cause: report.cause } : {}),
};

describe('job summary: the Grafana checkpoint', () => {
  it('has a Grafana table with each check, its verdict and message, after the Loki one', () => {
    const summary = renderSummary(input);
    const grafana = summary.slice(summary.indexOf('### Grafana'));
    expect(summary.indexOf('### Grafana')).toBeGreaterThan(summary.indexOf('### Loki'));
    expect(grafana).toContain('| grafana-datasource | ✅ passed | Loki datasource "Loki" (loki) healthy |');
    expect(grafana).toContain('| grafana-dashboards | ❌ failed | 1 of 2 panel queries returned no data');
  });

  it('has no Grafana table when the run had no Grafana checkpoint', () => {
    expect(renderSummary({ ...input, report: base })).not.toContain('### Grafana');
  });
});
