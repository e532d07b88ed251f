import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InputInvalidError, TransientError } from '../../../../core/errors';
import { writeFileAtomically } from '../../../../sandbox/prometheus/atomic-write';
import { renderPrometheusConfig, renderTargetsFile } from '../../../../sandbox/prometheus/config';
import { findFreePort } from '../../../../sandbox/prometheus/free-port';
import { startPrometheus } from '../../../../sandbox/prometheus/start';

describe('Prometheus config for the AMP stand-in', () => {
  it('scrapes one job from a watched targets file at the given interval', () => {
    expect(
      parse(renderPrometheusConfig({ scrapeIntervalSeconds: 1, targetsFile: '/tmp/x/targets.json' })),
    ).toEqual({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        {
          job_name: 'sandbox',
          file_sd_configs: [{ files: ['/tmp/x/targets.json'], refresh_interval: '1s' }],
        },
      ],
    });
  });

  it('writes one target group per target, the path in __metrics_path__', () => {
    const groups = JSON.parse(
      renderTargetsFile([
        {
          address: '127.0.0.1:9001',
          metricsPath: '/metrics',
          labels: { service_name: 'history', task_id: 'a' },
        },
        { address: '127.0.0.1:9002', metricsPath: '/alt/metrics', labels: {} },
      ]),
    );
    expect(groups).toEqual([
      {
        targets: ['127.0.0.1:9001'],
        labels: { service_name: 'history', task_id: 'a', __metrics_path__: '/metrics' },
      },
      { targets: ['127.0.0.1:9002'], labels: { __metrics_path__: '/alt/metrics' } },
    ]);
    expect(JSON.parse(renderTargetsFile([]))).toEqual([]);
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
    expect(() => renderTargetsFile([target])).toThrow(InputInvalidError);
    expect(() => renderTargetsFile([target])).toThrow(message);
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

  it('replaces a file atomically and leaves no temporary file behind', async () => {
    const path = join(dir, 'targets.json');
    await writeFileAtomically(path, 'one');
    await writeFileAtomically(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['targets.json']);
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
    await expect(startPrometheus({ dir, scrapeIntervalSeconds: 0.5 })).rejects.toThrow(
      /whole number of seconds >= 1/,
    );
  });
});
