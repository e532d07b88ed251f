import { describeFault, FaultInjector, parseFault } from '../../../sandbox/faults';
import { interpolateGrafanaVariables } from '../../../sandbox/grafana/variables';

describe('Grafana faults', () => {
  it('parses grafana:datasource-missing and grafana:dashboard-empty=<uid>', () => {
    expect(parseFault('grafana:datasource-missing')).toEqual({ kind: 'grafana-datasource-missing' });
    const empty = parseFault('grafana:dashboard-empty=temporal-services');
    expect(empty).toEqual({ kind: 'grafana-dashboard-empty', uid: 'temporal-services' });
    expect(describeFault(empty)).toBe(
      'grafana: dashboard-empty temporal-services (its queries answer no data)',
    );
    const injector = new FaultInjector([empty]);
    expect(injector.grafanaDashboardEmpty('temporal-services')).toBe(true);
    expect(injector.grafanaDashboardEmpty('other')).toBe(false);
    expect(injector.has('grafana-datasource-missing')).toBe(false);
  });

  it('refuses a missing or malformed UID and unknown Grafana faults, naming the grammar', () => {
    expect(() => parseFault('grafana:dashboard-empty')).toThrow(/dashboard-empty=<uid>/);
    expect(() => parseFault('grafana:dashboard-empty=a b')).toThrow(/Grafana dashboard UID/);
    expect(() => parseFault('grafana:slow')).toThrow(
      /unknown Grafana fault "slow".*grafana:datasource-missing/,
    );
  });
});

describe("Grafana's query variables in the twin", () => {
  it('fills $__interval, $__range, $__rate_interval and $__auto as Grafana does', () => {
    expect(
      interpolateGrafanaVariables(
        'rate(x[$__rate_interval]) + y[$__interval] + z[$__range] + ${__interval_ms} + w[$__auto]',
        {
          intervalMs: 30_000,
          rangeMs: 900_000,
        },
      ),
    ).toBe('rate(x[60s]) + y[30s] + z[900s] + 30000 + w[30s]');
  });
});
