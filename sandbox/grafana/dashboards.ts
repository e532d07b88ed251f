/**
 * A dashboard as Grafana's GET /api/dashboards/uid/:uid returns it (grafana/grafana
 * docs/sources/developers/http_api/dashboard.md): a Prometheus time series panel and, inside a
 * collapsed row, a Loki panel, each selecting the given services by `service_name`, plus a text
 * panel and a panel of an unrelated service that the check must leave alone.
 */
export function temporalDashboard(
  services: readonly string[],
  ids: { readonly prometheus: string; readonly loki: string } = { prometheus: 'amp', loki: 'loki' },
): Record<string, unknown> {
  const names = services.join('|');
  return {
    dashboard: {
      uid: 'temporal-services',
      title: 'Temporal services',
      schemaVersion: 39,
      templating: { list: [{ name: 'service', current: { text: 'All', value: '$__all' } }] },
      panels: [
        { id: 1, type: 'text', title: 'About', options: { content: 'Temporal on ECS' } },
        {
          id: 2,
          type: 'timeseries',
          title: 'Requests per second',
          datasource: { type: 'prometheus', uid: ids.prometheus },
          targets: [
            {
              refId: 'A',
              expr: `sum by (service_name) (rate(service_requests{service_name=~"${names}"}[$__rate_interval]))`,
            },
            // Another team's service: selects none of ours, so it is not run.
            { refId: 'B', expr: 'sum(rate(http_requests_total{job="billing"}[5m]))' },
          ],
        },
        {
          id: 3,
          type: 'row',
          title: 'Logs',
          collapsed: true,
          panels: [
            {
              id: 4,
              type: 'timeseries',
              title: 'Log lines per service',
              datasource: { type: 'loki', uid: ids.loki },
              targets: [
                {
                  refId: 'A',
                  expr: `sum by (service_name) (count_over_time({service_name=~"${names}"}[$__auto]))`,
                  queryType: 'range',
                },
              ],
            },
          ],
        },
      ],
    },
    meta: { type: 'db', slug: 'temporal-services', folderTitle: 'General' },
  };
}
