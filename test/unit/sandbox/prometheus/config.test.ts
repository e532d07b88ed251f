import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InputInvalidError, TransientError } from '../../../../core/errors';
import { checkTargets, intervalGroups, renderPrometheusConfig } from '../../../../sandbox/prometheus/config';
import { findFreePort } from '../../../../sandbox/prometheus/free-port';
import { startPrometheus } from '../../../../sandbox/prometheus/start';

describe('Prometheus config for the AMP stand-in', () => {
  it('scrapes the collector, its default path and one path per interval, keeping the job and instance its answers carry', () => {
    expect(
      parse(renderPrometheusConfig({ scrapeIntervalMs: 250, collectorAddress: '127.0.0.1:9000' })),
    ).toEqual({
      global: { scrape_interval: '250ms', scrape_timeout: '250ms', evaluation_interval: '250ms' },
      scrape_configs: [
        {
          job_name: 'sandbox-collector',
          honor_labels: true,
          metrics_path: '/collect',
          static_configs: [{ targets: ['127.0.0.1:9000'] }],
          file_sd_configs: [{ files: ['intervals.json'] }],
        },
      ],
    });
    expect(parse(renderPrometheusConfig({ scrapeIntervalMs: 2000, collectorAddress: 'h:1' }))).toMatchObject({
      global: { scrape_interval: '2s' },
    });
  });

  it('lists each interval as a collector path with __scrape_interval__ and its own instance', () => {
    expect(intervalGroups('127.0.0.1:9000', [1000, 250])).toEqual([
      {
        targets: ['127.0.0.1:9000'],
        labels: {
          __metrics_path__: '/collect/250',
          __scrape_interval__: '250ms',
          __scrape_timeout__: '250ms',
          instance: '127.0.0.1:9000/collect/250',
        },
      },
      {
        targets: ['127.0.0.1:9000'],
        labels: {
          __metrics_path__: '/collect/1000',
          __scrape_interval__: '1s',
          __scrape_timeout__: '1s',
          instance: '127.0.0.1:9000/collect/1000',
        },
      },
    ]);
  });

  it('refuses an interval Prometheus should not scrape the collector at', () => {
    for (const bad of [10, 250.5, Number.NaN])
      expect(() =>
        checkTargets([{ address: '127.0.0.1:1', metricsPath: '/m', labels: {}, scrapeIntervalMs: bad }]),
      ).toThrow(/targets\[0\]\.scrapeIntervalMs must be a whole number of milliseconds >= 50/);
  });

  it('accepts targets Prometheus could scrape', () => {
    expect(() =>
      checkTargets([
        {
          address: '127.0.0.1:9001',
          metricsPath: '/metrics',
          labels: { service_name: 'history', task_id: 'a' },
        },
        { address: '127.0.0.1:9002', metricsPath: '/alt/metrics', labels: {} },
      ]),
    ).not.toThrow();
    expect(() => checkTargets([])).not.toThrow();
  });

  const invalid: [
    what: string,
    target: { address: string; metricsPath: string; labels: Record<string, string> },
    message: RegExp,
  ][] = [
    [
      'an address without port',
      { address: '127.0.0.1', metricsPath: '/metrics', labels: {} },
      /targets\[0\]\.address must be host:port/,
    ],
    [
      'a relative path',
      { address: '127.0.0.1:1', metricsPath: 'metrics', labels: {} },
      /targets\[0\]\.metricsPath must start with "\/"/,
    ],
    [
      'a bad label name',
      { address: '127.0.0.1:1', metricsPath: '/m', labels: { 'task-id': 'x' } },
      /"task-id" is not a usable label name/,
    ],
    [
      'a reserved label name',
      { address: '127.0.0.1:1', metricsPath: '/m', labels: { __address__: 'x' } },
      /"__address__" is not a usable label name/,
    ],
  ];

  it.each(invalid)('refuses %s', (_what, target, message) => {
    expect(() => checkTargets([target])).toThrow(InputInvalidError);
    expect(() => checkTargets([target])).toThrow(message);
  });
});

describe('sandbox Prometheus helpers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prom-unit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a loopback port nobody is listening on', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('says how to install Prometheus when the binary is missing', async () => {
    await expect(startPrometheus({ dir, binary: join(dir, 'no-such-prometheus') })).rejects.toThrow(
      /apt-get install -y prometheus/,
    );
  });

  it('reports a Prometheus that exits before it is ready, with its log', async () => {
    const failure = startPrometheus({ dir, binary: '/bin/false' });
    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toThrow(/exited before it was ready/);
  });

  it('refuses a scrape interval Prometheus cannot use', async () => {
    await expect(startPrometheus({ dir, scrapeIntervalSeconds: 0.05 })).rejects.toThrow(
      /a number of seconds >= 0.1/,
    );
    await expect(startPrometheus({ dir, scrapeIntervalSeconds: Number.NaN })).rejects.toThrow(
      InputInvalidError,
    );
  });
});
