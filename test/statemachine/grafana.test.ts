import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { useWorld } from './support/env';
import { testPlan } from './support/plan';
import { runRollout, type RunResult } from './support/runner';
import { PLAN_SERVICES } from './support/world';
import {
  GRAFANA_TOKEN,
  GRAFANA_TOKEN_ARN,
  grafanaSection,
  installFakeGrafana,
  type FakeGrafana,
} from './support/grafana';

function grafanaPlan(scope: 'all' | 'service' = 'all') {
  return testPlan((plan) => {
    plan.grafana = grafanaSection();
    plan.rollback.scope = scope;
  });
}

const statesOf = (run: RunResult) => run.events.map((e) => e.state).filter(Boolean);
const grafanaChecks = (run: RunResult) =>
  ((run.report?.grafana as { checks: { name: string; verdict: string }[] } | undefined)?.checks ?? []).map(
    (c) => [c.name, c.verdict],
  );
const outcomes = (run: RunResult) =>
  (run.report?.services as { name: string; outcome: string }[]).map((s) => [s.name, s.outcome]);

describe('rollout state machine: Grafana checkpoint', () => {
  const world = useWorld();
  let secrets: ReturnType<typeof mockClient>;
  let grafana: FakeGrafana;
  beforeEach(() => {
    secrets = mockClient(SecretsManagerClient);
    secrets
      .on(GetSecretValueCommand, { SecretId: GRAFANA_TOKEN_ARN })
      .resolves({ SecretString: JSON.stringify({ token: GRAFANA_TOKEN }) });
    grafana = { calls: [] };
    installFakeGrafana(world(), grafana);
  });
  afterEach(() => secrets.restore());

  it('without a grafana section the Grafana states are passed by: no Grafana call, no Grafana report', async () => {
    const run = await runRollout({ mode: 'migrate', plan: testPlan(), services: ['worker'] });
    expect(run.status).toBe('SUCCEEDED');
    const states = statesOf(run);
    expect(states).toContain('GrafanaRoute');
    expect(states).toContain('DashboardsRoute');
    expect(states).not.toContain('GrafanaCheckpoint');
    expect(states).not.toContain('GrafanaDashboards');
    expect(grafana.calls).toEqual([]);
    expect(run.report?.grafana).toBeUndefined();
  });

  it('with one: datasource and canary after Loki, before any service; dashboards after the last one', async () => {
    const run = await runRollout({ mode: 'migrate', plan: grafanaPlan() });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    expect(grafanaChecks(run)).toEqual([
      ['grafana-datasource', 'passed'],
      ['grafana-canary', 'passed'],
      ['grafana-dashboards', 'passed'],
    ]);
    const states = statesOf(run);
    expect(states.indexOf('GrafanaCheckpoint')).toBeGreaterThan(states.lastIndexOf('LokiPoll'));
    expect(states.indexOf('GrafanaCheckpoint')).toBeLessThan(states.indexOf('MigrateService'));
    expect(states.indexOf('GrafanaDashboards')).toBeGreaterThan(states.lastIndexOf('ServiceDone'));
    // The dashboards check ran the Prometheus and the Loki panel (the billing query selects none).
    const dashboards = (
      run.report?.grafana as { checks: { name: string; evidence: { values: { queries: unknown[] } } }[] }
    ).checks.find((c) => c.name === 'grafana-dashboards')!;
    expect(dashboards.evidence.values.queries).toHaveLength(2);
    expect(dashboards.evidence.values.queries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          dashboard: 'temporal-services',
          panel: 'Requests per second (id 2)',
          datasource: 'amp',
        }),
        expect.objectContaining({ panel: 'Log lines per service (id 4)', datasource: 'loki' }),
      ]),
    );
  });

  it('a datasource Grafana does not have stops the rollout before any service', async () => {
    grafana.datasourceMissing = true;
    const run = await runRollout({ mode: 'migrate', plan: grafanaPlan() });
    expect(run.status).toBe('FAILED');
    expect(run.report?.cause).toMatchObject({ check: 'grafana-datasource' });
    expect(world().calls.some((c) => c.startsWith('register'))).toBe(false);
    expect(statesOf(run)).not.toContain('MigrateService');
    expect(outcomes(run).every(([, o]) => o === 'untouched')).toBe(true);
  });

  it('a dashboard without data after the last phase rolls back every service of the run (scope all)', async () => {
    grafana.emptyFor = ['service_name'];
    const run = await runRollout({
      mode: 'migrate',
      plan: grafanaPlan('all'),
      services: ['worker', 'history'],
    });
    expect(run.report?.status).toBe('ROLLED_BACK');
    expect(run.report?.cause).toMatchObject({ check: 'grafana-dashboards' });
    expect(outcomes(run).filter(([, o]) => o !== 'untouched')).toEqual([
      ['worker', 'rolled-back'],
      ['history', 'rolled-back'],
    ]);
    for (const name of ['worker', 'history']) {
      const svc = PLAN_SERVICES.find((s) => s.name === name)!;
      expect(world().collectorOf(world().service(svc.ecsService).taskDefinition)).toBe('adot');
    }
  });

  it('with scope service only the services whose queries came back empty go back', async () => {
    grafana.emptyFor = ['history'];
    // One panel per service, so an empty answer names its service alone.
    grafana.dashboard = {
      dashboard: {
        uid: 'temporal-services',
        title: 'Per service',
        panels: ['worker', 'history'].map((name, i) => ({
          id: i + 1,
          title: name,
          datasource: { type: 'prometheus', uid: 'amp' },
          targets: [{ refId: 'A', expr: `sum(rate(service_requests{service_name="${name}"}[5m]))` }],
        })),
      },
    };
    const plan = grafanaPlan('service');
    const run = await runRollout({ mode: 'migrate', plan, services: ['worker', 'history'] });
    expect(run.report?.status).toBe('ROLLED_BACK');
    const w = world();
    const collector = (name: string) =>
      w.collectorOf(w.service(PLAN_SERVICES.find((s) => s.name === name)!.ecsService).taskDefinition);
    expect(collector('history')).toBe('adot');
    expect(collector('worker')).toBe('alloy');
  });
});
