import {
  dashboardVariables,
  labelMatchers,
  selectedServices,
  substituteVariables,
} from '../../../../core/queries/selects';

const SERVICES = [
  { name: 'history', job: 'history' },
  { name: 'matching', job: 'temporal-matching' },
];

describe('dashboard query selection rule', () => {
  it('reads every label matcher, quoted or raw, with Go escapes undone', () => {
    expect(labelMatchers('rate(x{service_name="his\\"tory", job!~`a.*`}[5m])')).toEqual([
      { name: 'service_name', op: '=', value: 'his"tory' },
      { name: 'job', op: '!~', value: 'a.*' },
    ]);
  });

  it('selects by service_name or by the service job, = and whole-name =~, never by negative matchers', () => {
    expect(selectedServices('sum(rate(service_requests{service_name="history"}[5m]))', SERVICES)).toEqual([
      'history',
    ]);
    expect(selectedServices('up{job="temporal-matching"}', SERVICES)).toEqual(['matching']);
    expect(selectedServices('{service_name=~"history|matching"}', SERVICES)).toEqual(['history', 'matching']);
    // =~ is anchored, as in Prometheus and Loki: "hist" does not match "history".
    expect(selectedServices('{service_name=~"hist"}', SERVICES)).toEqual([]);
    expect(selectedServices('{service_name!="history"}', SERVICES)).toEqual([]);
    // job equal to the service name of a service whose job is another one selects nothing.
    expect(selectedServices('up{job="matching"}', SERVICES)).toEqual([]);
    expect(selectedServices('{container_name="history"}', SERVICES)).toEqual([]);
  });

  it('a value still holding a dashboard variable selects nothing', () => {
    expect(selectedServices('{service_name=~"$service"}', SERVICES)).toEqual([]);
    expect(selectedServices('{service_name=~".*"}', SERVICES)).toEqual(['history', 'matching']);
  });

  it("finds dashboard variables but not Grafana's own", () => {
    expect(dashboardVariables('rate(x{a="$svc", b="${env:regex}", c="[[old]]"}[$__rate_interval])')).toEqual([
      'svc',
      'env',
      'old',
    ]);
    expect(substituteVariables('x{a=~"$svc"}[$__interval]', { svc: 'history|matching' })).toBe(
      'x{a=~"history|matching"}[$__interval]',
    );
  });
});
