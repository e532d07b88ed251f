import { describeAlloyConfig, validateAlloy } from '../../../../core/alloy';
import { migrate, revert, toRegisterInput, type TaskDefinitionInput } from '../../../../core/taskdef';
import { collectorConfigOf, decodeCollectorConfig } from '../../../../core/taskdef/adot-config-text';
import { resolveScrape, type ScrapeInputs } from '../../../../core/taskdef/scrape-settings';
import {
  EXAMPLE_SERVICES,
  REFERENCE_FIXTURES,
  example,
  fixture,
  planService,
  planWith,
  service,
} from './helpers';

/** An ADOT config as the sandbox seeds it and ADOT's documentation writes it. */
const adotYaml = (port: number, extra = '') => `
receivers:
  prometheus:
    config:
      global: { scrape_interval: 15s }
      scrape_configs:
        - job_name: temporal
          scrape_interval: 15s
          metrics_path: /metrics${extra}
          static_configs: [{ targets: ["localhost:${port}"] }]
service:
  pipelines:
    metrics: { receivers: [prometheus], exporters: [prometheusremotewrite] }
`;
const from = 'SSM parameter /adot/history';
const inputs = (text: string | null, mappedPorts: number[] = []): ScrapeInputs => ({
  collector:
    text === null
      ? { unavailable: 'SSM parameter /adot/history was not found' }
      : decodeCollectorConfig(text, from),
  collectorEnv: {},
  mappedPorts,
});

describe('resolveScrape: plan > ADOT config > default', () => {
  it("takes ADOT's job, cadence, path, port and target address when the plan sets none", () => {
    const svc = { name: 'history', ecsService: 'history' };
    expect(resolveScrape(svc, inputs(adotYaml(9464, '\n          scrape_timeout: 5s')))).toEqual({
      settings: {
        port: 9464,
        path: '/metrics',
        jobName: 'temporal',
        interval: '15s',
        timeout: '5s',
        instance: 'localhost:9464',
      },
      warnings: [],
    });
  });

  it('lets every plan field win, and says where it departs from ADOT', () => {
    const svc = {
      ...service({ name: 'history' }),
      jobName: 'history',
      scrapeInterval: '30s',
      scrapeTimeout: '20s',
      metricsPath: '/internal',
    };
    const { settings, warnings } = resolveScrape(svc, inputs(adotYaml(9090)));
    expect(settings).toEqual({
      port: 9090,
      path: '/internal',
      jobName: 'history',
      interval: '30s',
      timeout: '20s',
      instance: 'localhost:9090',
    });
    expect(warnings).toEqual([
      `service "history": the plan's jobName "history" replaces ADOT's "temporal" (${from})`,
      `service "history": the plan's scrapeInterval "30s" replaces ADOT's "15s" (${from})`,
      `service "history": the plan's scrapeTimeout "20s" replaces ADOT's "10s" (${from})`,
      `service "history": the plan's metricsPath "/internal" replaces ADOT's "/metrics" (${from})`,
    ]);
  });

  it("cuts ADOT's timeout to a shorter plan interval, and says so", () => {
    const svc = { name: 'history', ecsService: 'history', scrapeInterval: '5s' };
    const { settings, warnings } = resolveScrape(svc, inputs(adotYaml(9090)));
    expect(settings.timeout).toBe('5s');
    expect(warnings[0]).toContain(
      "scrape timeout 10s (from ADOT's config) cut to the plan's scrapeInterval 5s",
    );
  });

  it('falls back to the defaults with a warning naming why ADOT was not used', () => {
    const svc = { name: 'history', ecsService: 'history' };
    const { settings, warnings } = resolveScrape(svc, inputs(null));
    expect(settings).toEqual({
      port: 9090,
      path: '/metrics',
      jobName: 'history',
      interval: '15s',
      timeout: '10s',
      instance: null,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^service "history": ADOT's scrape settings unknown \(SSM parameter \/adot\/history was not found\); Alloy scrapes :9090\/metrics every 15s \(timeout 10s\) as job "history" with instance "127.0.0.1:9090"/,
    );
  });

  it('falls back when no job targets the plan port, naming the port and the config', () => {
    const svc = { name: 'history', ecsService: 'history', metricsPort: 8080, scrapeInterval: '5s' };
    const { settings, warnings } = resolveScrape(svc, inputs(adotYaml(9090)));
    expect(settings).toMatchObject({ port: 8080, interval: '5s', timeout: '5s', instance: null });
    expect(warnings[0]).toContain(
      `no scrape job targets port 8080 (the plan's metricsPort); found temporal localhost:9090, in ${from}`,
    );
  });
});

describe('migrate carries the ADOT scrape into a valid Alloy config', () => {
  const plan = planWith();

  it.each(EXAMPLE_SERVICES)(
    '%s: job, interval and instance from ADOT; revert restores the definition',
    (name) => {
      const described = example(name);
      const svc = planService(plan, name);
      const port = svc.metricsPort ?? 9090;
      const result = migrate(described, svc, plan, {
        collectorConfig: decodeCollectorConfig(adotYaml(port), 'SSM parameter /adot'),
      });
      if (result.kind !== 'migrated') throw new Error(result.reason);
      expect(validateAlloy(result.alloyConfig)).toEqual({ errors: [], warnings: [] });
      expect(describeAlloyConfig(result.alloyConfig).metrics).toMatchObject({
        scrapeAddress: `127.0.0.1:${port}`,
        instanceLabel: `localhost:${port}`,
        jobName: 'temporal',
        scrapeInterval: '15s',
        scrapeTimeout: '10s',
        scrapePath: '/metrics',
      });
      expect(result.warnings.filter((w) => w.includes('scrape'))).toEqual([]);
      expect(revert(result.taskDefinition, described).taskDefinition).toEqual(toRegisterInput(described));
    },
  );

  it.each(EXAMPLE_SERVICES)(
    '%s without the parameter read: defaults, a warning, still a valid config',
    (name) => {
      const result = migrate(example(name), planService(plan, name), plan);
      if (result.kind !== 'migrated') throw new Error(result.reason);
      expect(validateAlloy(result.alloyConfig).errors).toEqual([]);
      expect(describeAlloyConfig(result.alloyConfig).metrics).toMatchObject({
        scrapeInterval: '15s',
        instanceLabel: null,
        jobName: name,
      });
      expect(result.warnings.find((w) => w.includes("ADOT's scrape settings unknown"))).toContain(
        'SSM parameter arn:aws:ssm:eu-west-1:123456789012:parameter/',
      );
    },
  );

  it.each(REFERENCE_FIXTURES.filter((n) => n.startsWith('temporal-')))(
    '%s: renders, validates and round-trips with its ADOT scrape',
    (name) => {
      const original: TaskDefinitionInput = fixture(name);
      const result = migrate(
        original,
        service(),
        planWith({ cpu: 10, memory: 200, initCpu: 0, initMemory: 6 }),
        {
          collectorConfig: decodeCollectorConfig(adotYaml(9090), 'SSM parameter /adot'),
        },
      );
      if (result.kind !== 'migrated') throw new Error(result.reason);
      expect(validateAlloy(result.alloyConfig).errors).toEqual([]);
      expect(describeAlloyConfig(result.alloyConfig).metrics.instanceLabel).toBe('localhost:9090');
      expect(revert(result.taskDefinition, original).taskDefinition).toEqual(toRegisterInput(original));
    },
  );

  it("reads an inline AOT_CONFIG_CONTENT with the collector's own variables", () => {
    const base = fixture('temporal-history.json');
    const td: TaskDefinitionInput = {
      ...base,
      containerDefinitions: base.containerDefinitions.map((c) =>
        /aws-otel-collector/.test(c.image ?? '')
          ? {
              ...c,
              command: [],
              secrets: [],
              environment: [
                { name: 'SCRAPE_TARGET', value: 'localhost:9090' },
                {
                  name: 'AOT_CONFIG_CONTENT',
                  value: adotYaml(9090).replace('"localhost:9090"', '"${env:SCRAPE_TARGET}"'),
                },
              ],
            }
          : c,
      ),
    };
    const result = migrate(td, service(), planWith({ cpu: 10, memory: 200, initCpu: 0, initMemory: 6 }), {
      collectorConfig: collectorConfigOf(td, {}),
    });
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(describeAlloyConfig(result.alloyConfig).metrics).toMatchObject({
      instanceLabel: 'localhost:9090',
      jobName: 'temporal',
    });
    expect(revert(result.taskDefinition, td).taskDefinition).toEqual(toRegisterInput(td));
  });
});
