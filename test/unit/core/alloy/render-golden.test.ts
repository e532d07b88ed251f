import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeAlloyConfig,
  renderServiceAlloyConfig,
  validateAlloy,
  type AlloyConfigSummary,
  type AlloyTarget,
} from '../../../../core/alloy';
import type { Plan } from '../../../../core/plan/schema';
import { basePlan, serviceOf } from './plans';

const GOLDEN = join(__dirname, '../../../fixtures/alloy/golden');
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-credentials-AbCdEf';

interface Variant {
  readonly file: string;
  readonly plan: Plan;
  readonly target: AlloyTarget;
  /** What describeAlloyConfig must read back from the rendered text. */
  readonly expected: (base: AlloyConfigSummary) => AlloyConfigSummary;
}

const awsvpc: AlloyTarget = { mainContainers: ['temporal-history'], networkMode: 'awsvpc' };
const same = (s: AlloyConfigSummary) => s;

/** What ADOT's config gave (core/taskdef/scrape-settings.ts): its job, cadence and target address. */
const adotScrape = {
  port: 9090,
  path: '/metrics',
  jobName: 'temporal',
  interval: '30s',
  timeout: '5s',
  instance: 'localhost:9090',
} as const;

const VARIANTS: readonly Variant[] = [
  { file: 'docker-api-awsvpc.alloy', plan: basePlan(), target: awsvpc, expected: same },
  {
    file: 'file-tail.alloy',
    plan: basePlan({ alloy: '  logSource: file-tail' }),
    target: awsvpc,
    expected: (s) => ({
      ...s,
      logs: {
        ...s.logs,
        source: 'file-tail',
      },
    }),
  },
  {
    file: 'bridge.alloy',
    plan: basePlan(),
    target: { mainContainers: ['temporal-history'], networkMode: 'bridge' },
    expected: (s) => ({ ...s, metrics: { ...s.metrics, scrapeAddress: null, discoveredPort: 9090 } }),
  },
  {
    file: 'tenant-auth.alloy',
    plan: basePlan({ loki: `  tenant: temporal\n  authSecretArn: ${SECRET}` }),
    target: awsvpc,
    expected: (s) => ({ ...s, logs: { ...s.logs, tenantId: 'temporal', auth: 'basic' } }),
  },
  {
    file: 'custom-metrics.alloy',
    plan: basePlan({ service: '        metricsPort: 9464\n        metricsPath: /internal/prometheus' }),
    target: awsvpc,
    expected: (s) => ({
      ...s,
      metrics: { ...s.metrics, scrapeAddress: '127.0.0.1:9464', scrapePath: '/internal/prometheus' },
    }),
  },
  {
    file: 'adot-scrape.alloy',
    plan: basePlan(),
    target: { ...awsvpc, scrape: adotScrape },
    expected: (s) => ({
      ...s,
      metrics: {
        ...s.metrics,
        jobName: 'temporal',
        scrapeInterval: '30s',
        scrapeTimeout: '5s',
        instanceLabel: 'localhost:9090',
      },
    }),
  },
  {
    file: 'adot-scrape-bridge.alloy',
    plan: basePlan(),
    target: { mainContainers: ['temporal-history'], networkMode: 'bridge', scrape: adotScrape },
    expected: (s) => ({
      ...s,
      metrics: {
        ...s.metrics,
        scrapeAddress: null,
        discoveredPort: 9090,
        jobName: 'temporal',
        scrapeInterval: '30s',
        scrapeTimeout: '5s',
        instanceLabel: 'localhost:9090',
      },
    }),
  },
];

const BASE_SUMMARY: AlloyConfigSummary = {
  logs: {
    source: 'docker-api',
    pushUrl: 'http://loki:3100/loki/api/v1/push',
    tenantId: null,
    auth: 'none',
    staticLabels: { cluster: 'temporal-dev', service_name: 'history' },
    mapped: { containerName: true, taskId: true, level: true },
    dockerTaskFilter: true,
    containers: ['temporal-history'],
    levelFallback: 'unknown',
    multiline: [],
    trimsTrailingNewline: true,
    dropsStreamLabel: true,
    dropsEmptyLines: true,
  },
  metrics: {
    scrapeAddress: '127.0.0.1:9090',
    discoveredPort: null,
    scrapePath: '/metrics',
    jobName: 'history',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    instanceLabel: null,
    staticLabels: { service_name: 'history' },
    taskIdMapped: true,
    remoteWriteUrl:
      'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789/api/v1/remote_write',
    sigv4Region: 'eu-west-1',
    selfJobName: 'integrations/self',
  },
};

describe.each(VARIANTS)('rendered config $file', ({ file, plan, target, expected }) => {
  const rendered = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), target);

  it('matches the golden file', () => {
    const path = join(GOLDEN, file);
    // Regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff.
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, rendered.config);
    expect(rendered.config).toBe(readFileSync(path, 'utf8'));
  });

  it('validates with no errors and no warnings', () => {
    expect(validateAlloy(rendered.config)).toEqual({ errors: [], warnings: [] });
  });

  it('describes back to what the plan asked for', () => {
    expect(describeAlloyConfig(rendered.config)).toEqual(expected(BASE_SUMMARY));
  });

  it('starts with a header naming the service, cluster and Alloy version', () => {
    const header = rendered.config.split('\n')[0];
    expect(header).toContain('"history"');
    expect(header).toContain('"temporal-dev"');
    expect(header).toContain('v1.18.1');
  });

  it('uses two-space indentation and no tabs', () => {
    for (const line of rendered.config.split('\n')) {
      expect(line).not.toMatch(/\t/);
      expect((/^ */.exec(line)?.[0].length ?? 0) % 2).toBe(0);
    }
  });
});
