import { renderLokiConfig } from '../../../../infra/loki/loki-config';
import { parseLokiDuration } from '../../../../core/plan/loki-duration';
import { assessObjectStore, assessRetention, type LokiConfigRead } from '../../../../core/verify/loki-config';

const query = 'GET http://loki:3100/config';
const NOW = Date.parse('2026-12-03T12:00:00Z');
// The product's own Loki config (infra/loki), as Loki's /config would print it back.
const productConfig = renderLokiConfig({
  bucketName: 'temporal-loki-chunks',
  region: 'eu-west-1',
  retentionDays: 31,
});
const read = (yaml: string): LokiConfigRead => ({ query, yaml });

describe('parseLokiDuration', () => {
  it.each([
    ['744h', 744 * 3_600_000],
    ['31d', 31 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['1y2w', (365 + 14) * 86_400_000],
    ['1h30m', 5_400_000],
    ['0', 0],
  ])('reads %s as Loki does', (text, ms) => expect(parseLokiDuration(text)).toBe(ms));

  it.each(['', '30', '1.5h', '1h1d', 'd', '30 d'])('refuses %j', (text) =>
    expect(parseLokiDuration(text)).toBeNull(),
  );
});

describe('assessRetention', () => {
  it('passes the product config against the same period written another way (744h = 31d)', () => {
    const result = assessRetention({ read: read(productConfig), retention: '31d' });
    expect(result).toMatchObject({ name: 'loki-retention', verdict: 'passed' });
    expect(result.evidence).toEqual({
      query,
      values: { 'compactor.retention_enabled': true, 'limits_config.retention_period': '744h' },
      threshold: { 'compactor.retention_enabled': true, 'limits_config.retention_period': '31d' },
    });
  });

  it('fails when the compactor does not enforce retention', () => {
    const yaml = productConfig.replace('retention_enabled: true', 'retention_enabled: false');
    const result = assessRetention({ read: read(yaml), retention: '744h' });
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain('compactor.retention_enabled is false, expected true');
  });

  it('fails on another period, naming both', () => {
    const result = assessRetention({ read: read(productConfig), retention: '7d' });
    expect(result.verdict).toBe('failed');
    expect(result.message).toContain('limits_config.retention_period is 744h (744h), expected 7d (168h)');
  });

  it('fails when the period is absent', () => {
    const yaml = 'compactor:\n  retention_enabled: true\n';
    expect(assessRetention({ read: read(yaml), retention: '7d' }).message).toContain(
      'limits_config.retention_period is null',
    );
  });

  it('fails on a refused /config, telling how to go on', () => {
    const result = assessRetention({
      read: { query, refused: { status: 404, body: '404 page not found' } },
      retention: '7d',
    });
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/HTTP 404.*Expose \/config.*"retention" to loki.skipChecks/);
  });

  it('is an error (retried) when Loki could not be reached', () => {
    expect(assessRetention({ read: { query, error: 'HTTP 503' }, retention: '7d' }).verdict).toBe('error');
  });

  it('fails on a body that is not YAML', () => {
    expect(assessRetention({ read: read('{{ not yaml'), retention: '7d' })).toMatchObject({
      verdict: 'failed',
      message: expect.stringContaining('not YAML'),
    });
  });
});

describe('assessObjectStore', () => {
  const assess = (yaml: string, bucket = 'temporal-loki-chunks') =>
    assessObjectStore({ read: read(yaml), bucket, nowMs: NOW });

  it('passes the product config (common.storage.s3, schema period on s3)', () => {
    const result = assess(productConfig);
    expect(result).toMatchObject({ name: 'loki-object-store', verdict: 'passed' });
    expect(result.evidence['values']).toEqual({
      'schema_config.configs[active].from': '2024-01-01',
      'schema_config.configs[active].object_store': 's3',
      buckets: ['temporal-loki-chunks'],
    });
  });

  it('fails on another bucket, naming it', () => {
    expect(assess(productConfig, 'other-bucket').message).toBe(
      'Loki stores chunks in temporal-loki-chunks, expected other-bucket',
    );
  });

  it('reads the bucket from an s3:// URL in storage_config.aws and a comma list', () => {
    const yaml = `schema_config:\n  configs:\n    - from: "2023-01-01"\n      object_store: aws\nstorage_config:\n  aws:\n    s3: s3://eu-west-1/logs-a\n    bucketnames: logs-b, logs-c\n`;
    expect(assess(yaml, 'logs-a').verdict).toBe('passed');
    expect(assess(yaml, 'logs-c').verdict).toBe('passed');
  });

  it('judges the period in force, not a later one', () => {
    const yaml = `schema_config:\n  configs:\n    - from: 2024-01-01\n      object_store: filesystem\n    - from: 2030-01-01\n      object_store: s3\ncommon:\n  storage:\n    s3:\n      bucketnames: temporal-loki-chunks\n`;
    expect(assess(yaml).message).toBe(
      'the schema period from 2024-01-01 stores chunks in "filesystem", expected s3',
    );
  });

  it('follows a named store', () => {
    const yaml = `schema_config:\n  configs:\n    - from: 2024-01-01\n      object_store: archive\nstorage_config:\n  named_stores:\n    aws:\n      archive:\n        bucketnames: temporal-loki-chunks\n`;
    expect(assess(yaml).verdict).toBe('passed');
  });

  it('fails without any schema period', () => {
    expect(
      assess('common:\n  storage:\n    s3:\n      bucketnames: temporal-loki-chunks\n').message,
    ).toContain('no schema_config period in force');
  });

  it('fails on a refused /config, telling how to go on', () => {
    const result = assessObjectStore({
      read: { query, refused: { status: 403, body: 'forbidden' } },
      bucket: 'b',
      nowMs: NOW,
    });
    expect(result.message).toMatch(/HTTP 403.*"object-store" to loki.skipChecks/);
  });
});
