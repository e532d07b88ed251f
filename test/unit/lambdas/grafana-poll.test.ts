import { parsePlanOrThrow } from '../../../core/plan/parse';
import type { GrafanaClient, GrafanaResponse } from '../../../lambdas/clients/grafana';
import { grafanaStateSchema, pollGrafanaCheckpoint } from '../../../lambdas/grafana-checkpoint';
import { pollGrafanaDashboards } from '../../../lambdas/grafana-dashboards';
import { minimalPlan } from '../core/plan/minimal-plan';

const plan = parsePlanOrThrow(
  {
    ...minimalPlan(),
    phases: [{ name: 'p1', services: [{ name: 'history', ecsService: 'svc-history' }] }],
    grafana: {
      url: 'https://grafana.example.com',
      datasourceUid: 'loki',
      tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:g',
      dashboards: [{ uid: 'd1', window: '5m' }],
      deadline: '30s',
    },
  },
  'plan',
);

/** A Grafana whose answers the test sets, recording the query bodies it got. */
function fakeGrafana(answers: Partial<Record<keyof GrafanaClient, (arg: unknown) => GrafanaResponse>>) {
  const queries: unknown[] = [];
  const client: GrafanaClient = {
    datasource: async (uid) =>
      answers.datasource?.(uid) ?? { status: 200, body: { uid, type: 'loki', name: 'Loki' } },
    datasourceHealth: async (uid) =>
      answers.datasourceHealth?.(uid) ?? { status: 200, body: { status: 'OK' } },
    dashboard: async (uid) =>
      answers.dashboard?.(uid) ?? { status: 404, body: { message: 'Dashboard not found' } },
    query: async (q, range) => {
      queries.push({ q, range });
      return answers.query?.(q) ?? { status: 200, body: { results: { A: { frames: [] } } } };
    },
  };
  return { client, queries };
}

describe('Grafana checkpoint polls', () => {
  it('stays on the datasource stage while its health is not OK, and fails it at the deadline', async () => {
    let t = 1_000_000;
    const { client } = fakeGrafana({
      datasourceHealth: () => ({ status: 400, body: { status: 'ERROR', message: 'down' } }),
    });
    const first = await pollGrafanaCheckpoint({
      plan,
      prior: undefined,
      canary: undefined,
      client,
      now: () => t,
    });
    expect(first).toMatchObject({ verdict: 'pending', stage: 'datasource', checks: [] });
    t += 31_000;
    const last = await pollGrafanaCheckpoint({
      plan,
      // As the handler reads it back from the state document.
      prior: grafanaStateSchema.parse(JSON.parse(JSON.stringify(first))),
      canary: undefined,
      client,
      now: () => t,
    });
    expect(last.verdict).toBe('failed');
    expect(last.cause).toMatchObject({ check: 'grafana-datasource' });
    expect(last.cause).not.toHaveProperty('service');
  });

  it('asks for the canary around its push time, through the plan datasource, after the datasource passed', async () => {
    const t = 2_000_000;
    const { client, queries } = fakeGrafana({});
    const canary = { marker: 'run-1', pushedAtMs: t - 5_000 };
    const result = await pollGrafanaCheckpoint({ plan, prior: undefined, canary, client, now: () => t });
    expect(result).toMatchObject({ verdict: 'pending', stage: 'canary' });
    expect(result.checks.map((c) => c.name)).toEqual(['grafana-datasource']);
    expect(queries[0]).toMatchObject({
      q: [
        {
          refId: 'A',
          datasource: { uid: 'loki', type: 'loki' },
          queryType: 'range',
          expr: expect.stringContaining('run-1'),
        },
      ],
      range: { fromMs: t - 65_000, toMs: t + 1 },
    });
  });

  it('refuses to read a canary the Loki step never pushed, naming the missing field', async () => {
    const { client } = fakeGrafana({});
    await expect(
      pollGrafanaCheckpoint({ plan, prior: undefined, canary: undefined, client, now: () => 1 }),
    ).rejects.toThrow(/state\.loki\.canary is missing/);
  });
});

describe('Grafana dashboards polls', () => {
  it('a dashboard Grafana does not have fails at once', async () => {
    const { client } = fakeGrafana({});
    const result = await pollGrafanaDashboards({
      plan,
      services: ['history'],
      prior: undefined,
      client,
      now: () => 5,
    });
    expect(result).toMatchObject({ verdict: 'failed', failingServices: [] });
    expect(result.causeText).toContain('grafana-dashboards');
  });

  it('queries each selecting panel over the dashboard window ending now, pending while empty', async () => {
    const t = 10_000_000;
    const dashboard = {
      dashboard: {
        title: 'D',
        panels: [
          {
            id: 1,
            title: 'logs',
            datasource: { type: 'loki', uid: 'loki' },
            targets: [{ refId: 'A', expr: '{service_name="history"}' }],
          },
        ],
      },
    };
    const { client, queries } = fakeGrafana({ dashboard: () => ({ status: 200, body: dashboard }) });
    const result = await pollGrafanaDashboards({
      plan,
      services: ['history'],
      prior: undefined,
      client,
      now: () => t,
    });
    expect(result).toMatchObject({ verdict: 'pending', failingServices: ['history'] });
    expect(queries).toEqual([expect.objectContaining({ range: { fromMs: t - 300_000, toMs: t } })]);
  });
});
