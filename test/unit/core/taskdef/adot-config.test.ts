import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  expandCollectorEnv,
  matchAdotJob,
  parsePrometheusDuration,
  readAdotScrapeJobs as readJobs,
} from '../../../../core/taskdef/adot-config';
import { decodeCollectorConfig } from '../../../../core/taskdef/adot-config-text';
import { collectorConfigSource } from '../../../../core/taskdef/adot-config-source';

/** The shape the sandbox seeds and ADOT's ECS + AMP documentation uses. */
const TEMPORAL = `
extensions:
  sigv4auth: { region: eu-west-1, service: aps }
receivers:
  prometheus:
    config:
      global: { scrape_interval: 15s, scrape_timeout: 10s }
      scrape_configs:
        - job_name: temporal
          scrape_interval: 15s
          metrics_path: /metrics
          static_configs: [{ targets: ["localhost:9090"] }]
exporters:
  prometheusremotewrite: { endpoint: https://aps.example/api/v1/remote_write, auth: { authenticator: sigv4auth } }
service:
  extensions: [sigv4auth]
  pipelines:
    metrics: { receivers: [prometheus], exporters: [prometheusremotewrite] }
`;

/** Like aws-otel-collector's config/ecs/ecs-default-config.yaml: OTLP, X-Ray and StatsD, no Prometheus. */
const DEFAULT_ECS = `
receivers:
  otlp: { protocols: { grpc: { endpoint: 0.0.0.0:4317 } } }
  awsxray: { endpoint: 0.0.0.0:2000, transport: udp }
  statsd: { endpoint: 0.0.0.0:8125, aggregation_interval: 60s }
exporters:
  awsemf: { namespace: ECS/AWSOTel/Application }
service:
  pipelines:
    metrics: { receivers: [otlp, statsd], exporters: [awsemf] }
`;

/** Like config/ecs/ecs-amp-prometheus.yaml: the target from the container's environment, 20s global. */
const AMP_ENV_TARGET = `
receivers:
  awsecscontainermetrics:
  prometheus:
    config:
      global: { scrape_interval: 20s, scrape_timeout: 10s }
      scrape_configs:
        - job_name: "otel-collector"
          static_configs:
            - targets: ['\${env:AWS_PROMETHEUS_SCRAPING_ENDPOINT}']
service:
  pipelines:
    metrics/application: { receivers: [prometheus], exporters: [prometheusremotewrite] }
    metrics: { receivers: [awsecscontainermetrics], exporters: [prometheusremotewrite] }
`;

/** The jobs of a config given as YAML text, decoded as the callers do. */
const readAdotScrapeJobs = (text: string, env: Record<string, string> = {}) =>
  readJobs(parse(text) as unknown, env);

/** The Temporal job as TEMPORAL and examples/adot-config.yaml both write it. */
const TEMPORAL_JOB = {
  ok: true,
  jobs: [
    {
      receiver: 'prometheus',
      jobName: 'temporal',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
      metricsPath: '/metrics',
      targets: ['localhost:9090'],
    },
  ],
};

describe('readAdotScrapeJobs', () => {
  it('reads the Temporal job: name, interval, timeout, path and target as written', () => {
    expect(readAdotScrapeJobs(TEMPORAL)).toEqual(TEMPORAL_JOB);
  });

  it('says there is no Prometheus receiver in the default ECS config', () => {
    expect(readAdotScrapeJobs(DEFAULT_ECS)).toEqual({
      ok: false,
      reason: 'the collector config has no prometheus receiver with a scrape job in a metrics pipeline',
    });
  });

  it('expands the target from the collector environment and takes the global interval', () => {
    const read = readAdotScrapeJobs(AMP_ENV_TARGET, { AWS_PROMETHEUS_SCRAPING_ENDPOINT: '0.0.0.0:9464' });
    expect(read).toMatchObject({
      ok: true,
      jobs: [
        { jobName: 'otel-collector', scrapeInterval: '20s', scrapeTimeout: '10s', targets: ['0.0.0.0:9464'] },
      ],
    });
  });

  it('drops a target whose variable is not set', () => {
    const read = readAdotScrapeJobs(AMP_ENV_TARGET);
    expect(read.ok && read.jobs[0]?.targets).toEqual([]);
  });

  it("applies Prometheus' defaults and cuts the global timeout to a shorter job interval", () => {
    const read = readAdotScrapeJobs(`
receivers:
  prometheus/app:
    config:
      scrape_configs:
        - { job_name: slow, static_configs: [{ targets: ["localhost:1"] }] }
        - { job_name: fast, scrape_interval: 5s, static_configs: [{ targets: ["localhost:2"] }] }
      global: { scrape_timeout: 8s }
`);
    expect(
      read.ok && read.jobs.map((j) => [j.receiver, j.jobName, j.scrapeInterval, j.scrapeTimeout]),
    ).toEqual([
      ['prometheus/app', 'slow', '1m', '8s'],
      ['prometheus/app', 'fast', '5s', '5s'],
    ]);
  });

  it('ignores a Prometheus receiver no metrics pipeline uses', () => {
    const text = TEMPORAL.replace('receivers: [prometheus]', 'receivers: [otlp]');
    expect(readAdotScrapeJobs(text).ok).toBe(false);
  });

  it('names the field of a bad duration and a timeout longer than the interval', () => {
    expect(
      readAdotScrapeJobs(
        TEMPORAL.replace(
          'scrape_interval: 15s\n          metrics',
          'scrape_interval: soon\n          metrics',
        ),
      ),
    ).toEqual({
      ok: false,
      reason:
        'receivers.prometheus.config.scrape_configs[0].scrape_interval is "soon": expected a Prometheus duration such as "15s" or "1m"',
    });
    expect(
      readAdotScrapeJobs(
        TEMPORAL.replace(
          'scrape_interval: 15s\n          metrics',
          'scrape_interval: 5s\n          scrape_timeout: 10s\n          metrics',
        ),
      ),
    ).toEqual({
      ok: false,
      reason:
        'receivers.prometheus.config.scrape_configs[0]: scrape_timeout 10s is longer than scrape_interval 5s',
    });
  });

  it('says so when the text is not YAML, naming where it came from', () => {
    const decoded = decodeCollectorConfig('receivers: [unclosed', 'SSM parameter /adot/x');
    expect(decoded).toEqual({
      unavailable: expect.stringMatching(/^SSM parameter \/adot\/x is not YAML \(/),
    });
    expect(readJobs('just text')).toEqual({
      ok: false,
      reason: 'the collector config is not a YAML mapping',
    });
  });
});

describe('examples/adot-config.yaml (what the example ADOT_CONFIG parameters hold)', () => {
  it('is read as the temporal job on localhost:9090 every 15s', () => {
    const text = readFileSync(join(__dirname, '../../../../examples/adot-config.yaml'), 'utf8');
    expect(readAdotScrapeJobs(text)).toEqual(TEMPORAL_JOB);
  });
});

describe('matchAdotJob', () => {
  const jobs = (text: string) => {
    const read = readAdotScrapeJobs(text);
    if (!read.ok) throw new Error(read.reason);
    return read.jobs;
  };
  const two = `
receivers:
  prometheus:
    config:
      scrape_configs:
        - { job_name: app, static_configs: [{ targets: ["localhost:9090"] }] }
        - { job_name: envoy, static_configs: [{ targets: ["localhost:9901"] }] }
`;

  it("picks the job on the plan's port", () => {
    expect(matchAdotJob(jobs(two), 9901, [])).toMatchObject({
      ok: true,
      target: 'localhost:9901',
      job: { jobName: 'envoy' },
    });
  });

  it("picks the job on a main container's mapped port when the plan names none", () => {
    expect(matchAdotJob(jobs(two), undefined, [9090, 7233])).toMatchObject({
      ok: true,
      job: { jobName: 'app' },
    });
  });

  it('refuses to guess among several targets, and names the missing port', () => {
    expect(matchAdotJob(jobs(two), undefined, [])).toEqual({
      ok: false,
      reason:
        "cannot tell which target is the service's (app localhost:9090, envoy localhost:9901); set the service's metricsPort",
    });
    expect(matchAdotJob(jobs(two), 8000, [])).toEqual({
      ok: false,
      reason:
        "no scrape job targets port 8000 (the plan's metricsPort); found app localhost:9090, envoy localhost:9901",
    });
  });
});

describe('Prometheus durations and collector variables', () => {
  it('parses the units Prometheus accepts and refuses the rest', () => {
    expect(parsePrometheusDuration('1m30s')).toBe(90_000);
    expect(parsePrometheusDuration('1d')).toBe(86_400_000);
    expect(parsePrometheusDuration('0')).toBe(0);
    expect(parsePrometheusDuration('1.5s')).toBeNull();
    expect(parsePrometheusDuration('')).toBeNull();
  });

  it('expands ${env:X}, ${X} and $X, keeps $$ as $, and says when a name is unset', () => {
    expect(expandCollectorEnv('${env:H}:${P}/$$x$Q', { H: 'localhost', P: '9090', Q: 'y' })).toBe(
      'localhost:9090/$xy',
    );
    expect(expandCollectorEnv('${env:MISSING}', {})).toBeNull();
  });
});

describe('collectorConfigSource', () => {
  const adot = {
    name: 'adot-collector',
    image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
  };

  it('follows --config env:NAME to an SSM secret', () => {
    expect(
      collectorConfigSource({
        ...adot,
        command: ['--config', 'env:ADOT_CONFIG'],
        secrets: [
          { name: 'ADOT_CONFIG', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/adot/history' },
        ],
      }),
    ).toEqual({
      kind: 'ssm',
      parameter: 'arn:aws:ssm:eu-west-1:123456789012:parameter/adot/history',
      from: 'SSM parameter arn:aws:ssm:eu-west-1:123456789012:parameter/adot/history (secret ADOT_CONFIG of "adot-collector")',
    });
  });

  it('reads an inline AOT_CONFIG_CONTENT value', () => {
    expect(
      collectorConfigSource({ ...adot, environment: [{ name: 'AOT_CONFIG_CONTENT', value: TEMPORAL }] }),
    ).toEqual({
      kind: 'inline',
      text: TEMPORAL,
      from: 'the AOT_CONFIG_CONTENT environment variable of "adot-collector"',
    });
  });

  it('says why it cannot: a file in the image, Secrets Manager, nothing set', () => {
    expect(
      collectorConfigSource({ ...adot, command: ['--config=/etc/ecs/ecs-default-config.yaml'] }),
    ).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('"/etc/ecs/ecs-default-config.yaml"'),
    });
    expect(
      collectorConfigSource({
        ...adot,
        secrets: [{ name: 'AOT_CONFIG_CONTENT', valueFrom: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' }],
      }),
    ).toMatchObject({ kind: 'none', reason: expect.stringContaining('Secrets Manager') });
    expect(collectorConfigSource(adot)).toEqual({
      kind: 'none',
      reason:
        '"adot-collector" has no AOT_CONFIG_CONTENT variable or secret (it runs the config built into its image)',
    });
  });
});
