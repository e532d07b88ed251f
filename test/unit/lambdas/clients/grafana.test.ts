import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createGrafanaClient } from '../../../../lambdas/clients/grafana';
import { loadGrafanaToken } from '../../../../lambdas/clients/secrets';
import { canaryLines, canaryPushStream } from '../../../../core/queries';
import { assessGrafanaCanary, assessGrafanaDatasource } from '../../../../core/verify/grafana';
import { assessDashboards, dashboardQueries } from '../../../../core/verify/grafana-dashboards';
import { createGrafanaRoute, GRAFANA_PREFIX } from '../../../../sandbox/grafana/api';
import { temporalDashboard } from '../../../../sandbox/grafana/dashboards';
import { LokiStore } from '../../../../sandbox/loki';
import { listen } from '../../../../sandbox/server';
import { startServer, type LocalServer } from './local-server';

const TOKEN = 'glsa_twin';
const NOW = 1_764_756_000_000;

/** The Grafana twin on a loopback port, its Loki a store, its Prometheus a local stand-in. */
async function startTwin(options: { missing?: boolean; empty?: boolean } = {}) {
  const loki = new LokiStore({ now: () => NOW });
  const prometheus: LocalServer = await startServer((req, res) => {
    const series = [{ metric: { service_name: 'history' }, values: [[NOW / 1000 - 60, '1.5']] }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: req.url.includes('query_range') ? series : [] },
      }),
    );
  });
  const dashboard = temporalDashboard(['history']);
  const route = createGrafanaRoute({
    loki,
    token: TOKEN,
    lokiUrl: () => 'http://loki',
    prometheusUrl: () => prometheus.baseUrl,
    lokiReady: () => true,
    datasourceMissing: () => options.missing ?? false,
    dashboardEmpty: () => options.empty ?? false,
    dashboards: new Map([['temporal-services', dashboard]]),
  });
  const http = await listen(0, [], [route]);
  return {
    loki,
    url: `http://127.0.0.1:${http.port}${GRAFANA_PREFIX}`,
    close: async () => {
      await http.close();
      await prometheus.close();
    },
  };
}

describe('Grafana client against the sandbox twin', () => {
  let twin: Awaited<ReturnType<typeof startTwin>> | undefined;
  afterEach(async () => {
    await twin?.close();
    twin = undefined;
  });

  it('datasource, health and the canary read back as a Loki log frame pass the checks', async () => {
    twin = await startTwin();
    const pushed = canaryPushStream('m-1', `${NOW - 5_000}000000`, { cluster: 'temporal-dev' });
    twin.loki.push([pushed]);
    const client = createGrafanaClient({ baseUrl: twin.url, token: TOKEN });
    const datasource = await client.datasource('loki');
    const health = await client.datasourceHealth('loki');
    expect(assessGrafanaDatasource({ uid: 'loki', grafanaUrl: twin.url, datasource, health }).verdict).toBe(
      'passed',
    );
    const expr = canaryLines('m-1', { cluster: 'temporal-dev' });
    const answer = await client.query(
      [{ refId: 'A', datasource: { uid: 'loki', type: 'loki' }, expr, queryType: 'range', maxLines: 10 }],
      { fromMs: NOW - 60_000, toMs: NOW },
    );
    const entry = pushed.values[0]!;
    expect(
      assessGrafanaCanary({
        query: expr,
        datasourceUid: 'loki',
        refId: 'A',
        window: { startMs: NOW - 60_000, endMs: NOW },
        pushed: { line: entry[1], timestampNs: entry[0], labels: pushed.stream },
        answer,
      }).verdict,
    ).toBe('passed');
  });

  it('a missing datasource is a 404 answer, not an error; a wrong token is a 401 answer', async () => {
    twin = await startTwin({ missing: true });
    const client = createGrafanaClient({ baseUrl: twin.url, token: TOKEN });
    expect(await client.datasource('loki')).toEqual({
      status: 404,
      body: { message: 'Data source not found' },
    });
    const stranger = createGrafanaClient({ baseUrl: twin.url, token: 'nope' });
    expect((await stranger.datasource('loki')).status).toBe(401);
  });

  it("the dashboard's Prometheus and Loki panels return data, and none under dashboard-empty", async () => {
    for (const empty of [false, true]) {
      twin = await startTwin({ empty });
      twin.loki.push([
        {
          stream: { service_name: 'history', cluster: 'temporal-dev' },
          values: [[`${NOW - 30_000}000000`, '{"msg":"x"}']],
        },
      ]);
      const client = createGrafanaClient({ baseUrl: twin.url, token: TOKEN });
      const board = await client.dashboard('temporal-services');
      const { queries } = dashboardQueries({
        uid: 'temporal-services',
        body: board.body,
        services: [{ name: 'history', job: 'history' }],
        defaults: { loki: 'loki', prometheus: 'amp' },
      });
      expect(queries).toHaveLength(2);
      const range = { fromMs: NOW - 300_000, toMs: NOW };
      const results = [];
      for (const q of queries)
        results.push({
          query: q,
          answer: await client.query(
            [
              {
                refId: q.refId,
                datasource: q.datasource,
                expr: q.expr,
                queryType: 'range',
                range: true,
                intervalMs: 15_000,
              },
            ],
            range,
          ),
          window: { start: '', end: '' },
        });
      const verdict = assessDashboards({
        missing: [],
        results,
        unchecked: [],
        services: ['history'],
      }).verdict;
      expect(verdict).toBe(empty ? 'pending' : 'passed');
      await twin.close();
      twin = undefined;
    }
  });
});

describe('Grafana token secret', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-AbCdEf';

  it('reads {"token"} JSON or the plain token, and names the expected shape otherwise', async () => {
    const client = new SecretsManagerClient({ region: 'eu-west-1' });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"glsa_a"}' });
    await expect(loadGrafanaToken(ARN, client)).resolves.toBe('glsa_a');
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'glsa_b\n' });
    await expect(loadGrafanaToken(ARN, client)).resolves.toBe('glsa_b');
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"u"}' });
    await expect(loadGrafanaToken(ARN, client)).rejects.toThrow(
      /keys \[username\]: expected a Grafana service-account token/,
    );
  });
});
