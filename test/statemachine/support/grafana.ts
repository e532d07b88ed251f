import { temporalDashboard } from '../../../sandbox/grafana/dashboards';
import { PLAN_SERVICES, type World } from './world';

export const GRAFANA_TOKEN = 'glsa_statemachine';
/** A partial ARN, as plans give it (Secrets Manager answers with the full one). */
export const GRAFANA_TOKEN_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alloy-rollout/grafana-token';

/** What the fake Grafana does wrong, and the calls it saw. */
export interface FakeGrafana {
  datasourceMissing?: boolean;
  /** Panel queries whose expression contains one of these answer frames without values. */
  emptyFor?: string[];
  /** The temporal-services dashboard to serve; default: the sandbox's, over every plan service. */
  dashboard?: Record<string, unknown>;
  readonly calls: string[];
}

/** The plan's grafana section pointing at the fake (datasources loki and amp, one dashboard). */
export function grafanaSection(): Record<string, unknown> {
  return {
    url: 'http://grafana.temporal-dev.internal:3000',
    datasourceUid: 'loki',
    tokenSecretArn: GRAFANA_TOKEN_ARN,
    prometheusDatasourceUid: 'amp',
    dashboards: [{ uid: 'temporal-services', window: '5m' }],
    deadline: '10s',
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * Grafana's answers for the calls the checkpoint makes, with the documented shapes (see
 * lambdas/clients/grafana.ts and sandbox/grafana/api.ts): the canary from the lines the world's
 * Loki received, every other panel query a frame with two points unless `emptyFor` says not.
 */
function answer(world: World, grafana: FakeGrafana, url: URL, init?: RequestInit): Response {
  if (new Headers(init?.headers).get('authorization') !== `Bearer ${GRAFANA_TOKEN}`)
    return json({ message: 'Unauthorized' }, 401);
  grafana.calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
  if (url.pathname.startsWith('/api/datasources/uid/loki')) {
    if (grafana.datasourceMissing) return json({ message: 'Data source not found' }, 404);
    return url.pathname.endsWith('/health')
      ? json({ status: 'OK', message: 'Data source successfully connected.' })
      : json({ id: 2, uid: 'loki', name: 'Loki', type: 'loki', url: 'http://loki:3100' });
  }
  if (url.pathname === '/api/dashboards/uid/temporal-services')
    return json(grafana.dashboard ?? temporalDashboard(PLAN_SERVICES.map((s) => s.name)));
  if (url.pathname === '/api/ds/query') {
    const { queries } = JSON.parse(String(init?.body)) as { queries: { refId: string; expr: string }[] };
    const q = queries[0]!;
    const marker = /\|= "(.*)"$/.exec(q.expr)?.[1];
    if (marker) {
      const lines = world.canaryLines.filter((l) => l.line.includes(marker));
      const fields = [{ name: 'labels' }, { name: 'Time' }, { name: 'Line' }, { name: 'tsNs' }];
      const values = [
        lines.map((l) => l.labels),
        lines.map((l) => Number(BigInt(l.ts) / 1_000_000n)),
        lines.map((l) => l.line),
        lines.map((l) => l.ts),
      ];
      return json({
        results: {
          [q.refId]: { status: 200, frames: [{ schema: { refId: q.refId, fields }, data: { values } }] },
        },
      });
    }
    const empty = (grafana.emptyFor ?? []).some((s) => q.expr.includes(s));
    const frame = {
      schema: { refId: q.refId, fields: [{ name: 'Time' }, { name: 'Value' }] },
      data: {
        values: empty
          ? [[], []]
          : [
              [1, 2],
              [0.5, 0.7],
            ],
      },
    };
    return json({ results: { [q.refId]: { status: 200, frames: [frame] } } });
  }
  return json({ message: 'Not found' }, 404);
}

/** Extends the world's fetch fake (installFakes) with Grafana at any host named grafana.*. */
export function installFakeGrafana(world: World, grafana: FakeGrafana): void {
  const fetchMock = globalThis.fetch as jest.Mock;
  const base = fetchMock.getMockImplementation() as (u: string | URL, i?: RequestInit) => Promise<Response>;
  fetchMock.mockImplementation(async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    return url.hostname.startsWith('grafana') ? answer(world, grafana, url, init) : base(input, init);
  });
}
