import {
  assessDashboards,
  dashboardQueries,
  type PanelResult,
} from '../../../../core/verify/grafana-dashboards';
import { temporalDashboard } from '../../../../sandbox/grafana/dashboards';

const SERVICES = [
  { name: 'history', job: 'history' },
  { name: 'worker', job: 'worker' },
];
const DEFAULTS = { loki: 'loki', prometheus: 'amp' };

describe('dashboard panel walk', () => {
  it('finds the selecting queries of top-level panels and of panels nested in a collapsed row', () => {
    const { title, queries, unchecked } = dashboardQueries({
      uid: 'temporal-services',
      body: temporalDashboard(['history', 'worker']),
      services: SERVICES,
      defaults: DEFAULTS,
    });
    expect(title).toBe('Temporal services');
    expect(unchecked).toEqual([]);
    expect(queries.map((q) => [q.panelId, q.panelTitle, q.refId, q.datasource.uid, q.services])).toEqual([
      [2, 'Requests per second', 'A', 'amp', ['history', 'worker']],
      [4, 'Log lines per service', 'A', 'loki', ['history', 'worker']],
    ]);
  });

  it('resolves datasources: the target over the panel, variables and defaults by type, names are unchecked', () => {
    const body = {
      dashboard: {
        title: 'd',
        templating: {
          list: [
            { name: 'svc', current: { value: ['history', 'worker'] } },
            { name: 'env', current: {} },
          ],
        },
        rows: [
          {
            panels: [
              {
                id: 1,
                title: 'mixed',
                datasource: { uid: '-- Mixed --' },
                targets: [
                  {
                    refId: 'A',
                    datasource: { type: 'loki', uid: '${ds_loki}' },
                    expr: '{service_name="history"}',
                  },
                  { refId: 'B', expr: 'up{job="worker"}' },
                  { refId: 'C', expr: 'up{job="worker"}', hide: true },
                ],
              },
              {
                id: 2,
                title: 'legacy',
                datasource: 'Prometheus',
                targets: [{ refId: 'A', expr: 'up{job="history"}' }],
              },
              {
                id: 3,
                title: 'vars',
                targets: [{ refId: 'A', expr: 'x{service_name=~"$svc", env="$env"}' }],
              },
            ],
          },
        ],
      },
    };
    const { queries, unchecked } = dashboardQueries({
      uid: 'd',
      body,
      services: SERVICES,
      defaults: DEFAULTS,
    });
    expect(queries.map((q) => [q.panelId, q.refId, q.datasource, q.expr])).toEqual([
      [1, 'A', { uid: 'loki', type: 'loki' }, '{service_name="history"}'],
      [1, 'B', { uid: 'amp', type: 'prometheus' }, 'up{job="worker"}'],
    ]);
    expect(unchecked.map((u) => [u.panelId, u.reason])).toEqual([
      [2, 'datasource named "Prometheus" (by name, not UID)'],
      [3, 'dashboard variable(s) $env have no saved value'],
    ]);
  });
});

const query = (services: string[], expr = '{service_name="history"}') => ({
  dashboardUid: 'd',
  dashboardTitle: 'D',
  panelId: 7,
  panelTitle: 'Logs',
  refId: 'A',
  expr,
  datasource: { uid: 'loki' },
  services,
});
const frame = (values: unknown[][]) => ({
  schema: { fields: [{ name: 'Time' }, { name: 'Value' }] },
  data: { values },
});
const result = (services: string[], values: unknown[][], status = 200): PanelResult => ({
  query: query(services),
  answer: { status, body: { results: { A: { status, frames: [frame(values)] } } } },
  window: { start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T10:15:00.000Z' },
});

describe('grafana-dashboards', () => {
  const judge = (results: PanelResult[], missing: { uid: string; status: number }[] = []) =>
    assessDashboards({ missing, results, unchecked: [], services: ['history', 'worker'] });

  it('passes when every selecting query returned values, naming dashboard, panel and query', () => {
    const a = judge([
      result(
        ['history'],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ]);
    expect(a.verdict).toBe('passed');
    expect(a.evidence.window).toEqual({ start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T10:15:00.000Z' });
    expect((a.evidence.values as { queries: unknown[] }).queries).toEqual([
      expect.objectContaining({
        dashboard: 'd',
        panel: 'Logs (id 7)',
        refId: 'A',
        query: '{service_name="history"}',
        rows: 2,
      }),
    ]);
  });

  it('is pending on frames without values and names the services they select', () => {
    const a = judge([result(['history'], [[1], [2]]), result(['worker'], [[], []])]);
    expect(a.verdict).toBe('pending');
    expect(a.failingServices).toEqual(['worker']);
    expect(a.message).toContain('dashboard d, panel Logs (id 7), A');
  });

  it('fails for a dashboard Grafana does not have, and when no query selects a migrated service', () => {
    expect(judge([], [{ uid: 'gone', status: 404 }])).toMatchObject({
      verdict: 'failed',
      message: expect.stringContaining('"gone" (HTTP 404)'),
    });
    expect(judge([])).toMatchObject({
      verdict: 'failed',
      message: expect.stringContaining('no panel query'),
    });
  });

  it('counts a query the datasource refused as no data, with its error', () => {
    const refused: PanelResult = {
      ...result(['history'], []),
      answer: { status: 400, body: { results: { A: { status: 400, error: 'bad_data: parse error' } } } },
    };
    const a = judge([refused]);
    expect(a.verdict).toBe('pending');
    expect(a.message).toContain('bad_data: parse error');
  });
});
