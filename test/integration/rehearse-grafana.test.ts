import { runRehearsal, testPlan } from './support/rehearsal';
import { expectBackOnAdot, service } from './support/rehearsal-expect';

jest.setTimeout(200_000);

/**
 * The test plan with the Grafana checkpoint. The rehearsal points url, token secret and datasource
 * UIDs at the sandbox's Grafana twin; the dashboard is the one it serves. A 2-minute window holds
 * the seconds the migrated services have run; the deadline gives Prometheus time to scrape them.
 */
function grafanaPlan(scope: 'all' | 'service' = 'all'): string {
  return `${testPlan(scope)}grafana:
  url: https://grafana.example.com
  datasourceUid: loki
  prometheusDatasourceUid: amp
  tokenSecretArn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-token
  dashboards:
    - uid: temporal-services
      window: 2m
  deadline: 1m
`;
}

const grafanaChecks = (checks: readonly { name: string; verdict: string }[] | undefined) =>
  (checks ?? []).map((c) => [c.name, c.verdict]);

describe('alloy-rollout rehearse: the Grafana checkpoint (sandbox Grafana twin)', () => {
  it('passes the datasource, canary and dashboards checks, each with its evidence', async () => {
    const r = await runRehearsal([], { planText: grafanaPlan() });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 0, status: 'SUCCEEDED' });
    const checks = r.report.grafana?.checks ?? [];
    expect(grafanaChecks(checks)).toEqual([
      ['grafana-datasource', 'passed'],
      ['grafana-canary', 'passed'],
      ['grafana-dashboards', 'passed'],
    ]);
    for (const c of checks) expect(c.evidence.query).toBeTruthy();
    const dashboards = checks[2]!.evidence.values as { queries: { panel: string; rows: number }[] };
    expect(dashboards.queries.map((q) => q.panel)).toEqual([
      'Requests per second (id 2)',
      'Log lines per service (id 4)',
    ]);
    for (const q of dashboards.queries) expect(q.rows).toBeGreaterThan(0);
  });

  it('grafana:datasource-missing stops the rollout before any service', async () => {
    const r = await runRehearsal(['grafana:datasource-missing'], { planText: grafanaPlan() });
    expect(r.exitCode).toBe(1);
    expect(r.report.cause).toMatchObject({ check: 'grafana-datasource' });
    for (const name of ['worker', 'history']) expect(service(r, name).outcome).toBe('untouched');
    for (const name of ['worker', 'history']) expectBackOnAdot(r, name);
  });

  it('grafana:dashboard-empty after the last phase rolls every service of the run back to ADOT + CloudWatch', async () => {
    const r = await runRehearsal(['grafana:dashboard-empty=temporal-services'], {
      planText: grafanaPlan('all'),
    });
    expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 1, status: 'ROLLED_BACK' });
    expect(r.report.cause).toMatchObject({ check: 'grafana-dashboards' });
    expect(r.report.lockReleased).toBe(true);
    for (const name of ['worker', 'history']) {
      expect(service(r, name).outcome).toBe('rolled-back');
      expectBackOnAdot(r, name);
    }
  });
});
