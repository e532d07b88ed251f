import { parse } from 'yaml';
import { readAdotScrape, renderAdotConfig } from '../../../sandbox/adot-config';

describe('the ADOT configs the sandbox seeds', () => {
  const text = renderAdotConfig({
    region: 'eu-west-1',
    ampWorkspaceId: 'ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    metricsPort: 9091,
  });

  it('scrape the application every 15 s as job "temporal" and remote-write to the workspace with SigV4', () => {
    const doc = parse(text) as {
      extensions: { sigv4auth: { region: string; service: string } };
      receivers: { prometheus: { config: { global: Record<string, string>; scrape_configs: unknown[] } } };
      exporters: { prometheusremotewrite: { endpoint: string; auth: { authenticator: string } } };
      service: { extensions: string[]; pipelines: { metrics: { receivers: string[]; exporters: string[] } } };
    };
    expect(doc.receivers.prometheus.config.global).toEqual({ scrape_interval: '15s', scrape_timeout: '10s' });
    expect(doc.receivers.prometheus.config.scrape_configs).toEqual([
      { job_name: 'temporal', metrics_path: '/metrics', static_configs: [{ targets: ['localhost:9091'] }] },
    ]);
    expect(doc.exporters.prometheusremotewrite).toEqual({
      endpoint:
        'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789/api/v1/remote_write',
      auth: { authenticator: 'sigv4auth' },
    });
    expect(doc.extensions.sigv4auth).toEqual({ region: 'eu-west-1', service: 'aps' });
    expect(doc.service.extensions).toContain('sigv4auth');
    expect(doc.service.pipelines.metrics).toMatchObject({
      receivers: ['prometheus'],
      exporters: ['prometheusremotewrite'],
    });
  });

  it('are read back as the job, the target as written and the interval', () => {
    expect(readAdotScrape(text)).toEqual({
      jobName: 'temporal',
      instance: 'localhost:9091',
      metricsPath: '/metrics',
      scrapeIntervalMs: 15_000,
      scrapeTimeoutMs: 10_000,
    });
  });

  it("prefer the job's own interval, fall back to Prometheus' 1m default, cap the timeout at the interval", () => {
    const config = (job: string, global = '') =>
      `receivers:\n  prometheus:\n    config:\n${global}      scrape_configs:\n        - job_name: app\n${job}          static_configs:\n            - targets: ['127.0.0.1:9100']\n`;
    expect(
      readAdotScrape(config('          scrape_interval: 5s\n', '      global: {scrape_interval: 30s}\n')),
    ).toMatchObject({
      scrapeIntervalMs: 5_000,
      scrapeTimeoutMs: 5_000,
      instance: '127.0.0.1:9100',
    });
    expect(readAdotScrape(config(''))).toMatchObject({ scrapeIntervalMs: 60_000, scrapeTimeoutMs: 10_000 });
  });

  it('are not found in text that is no collector config', () => {
    expect(readAdotScrape('# seeded by the sandbox for history\n')).toBeNull();
    expect(readAdotScrape('receivers: [')).toBeNull();
    expect(readAdotScrape('receivers:\n  otlp: {}\n')).toBeNull();
  });
});
