import { parse } from 'yaml';
import { LOKI_DEFAULTS, renderLokiConfig } from '../../infra/loki/loki-config';

/** The parts of Loki's config these tests read. */
interface LokiConfigDoc {
  auth_enabled: boolean;
  server: { http_listen_port: number };
  common: { storage: { s3: Record<string, string> } };
  schema_config: { configs: unknown[] };
  ingester: { max_chunk_age: string; wal: { enabled: boolean; dir: string; flush_on_shutdown: boolean } };
  compactor: Record<string, unknown>;
  limits_config: { retention_period: string };
}

describe('renderLokiConfig', () => {
  const config = parse(
    renderLokiConfig({ bucketName: 'loki-chunks', region: 'eu-west-1', retentionDays: 7 }),
  ) as LokiConfigDoc;

  it('stores chunks and the TSDB index (schema v13) in the bucket', () => {
    expect(config.common.storage.s3).toEqual({ bucketnames: 'loki-chunks', region: 'eu-west-1' });
    expect(config.schema_config.configs).toEqual([
      {
        from: '2024-01-01',
        store: 'tsdb',
        object_store: 's3',
        schema: 'v13',
        index: { prefix: 'index_', period: '24h' },
      },
    ]);
  });

  it('enforces the retention with the compactor', () => {
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 's3' });
    expect(config.limits_config.retention_period).toBe('168h');
    const thirty = parse(
      renderLokiConfig({ bucketName: 'b', region: 'r', retentionDays: 30 }),
    ) as LokiConfigDoc;
    expect(thirty.limits_config.retention_period).toBe('720h');
  });

  it('flushes every in-memory chunk on shutdown, since a replacement task never sees the WAL', () => {
    // Loki's default with the WAL on is false: a stopped task would take up to max_chunk_age of lines.
    expect(config.ingester.wal).toEqual({ enabled: true, dir: '/loki/wal', flush_on_shutdown: true });
    expect(config.ingester.max_chunk_age).toBe('1h');
  });

  it('listens where the service, its health check and Service Connect expect', () => {
    expect(config.server.http_listen_port).toBe(LOKI_DEFAULTS.httpPort);
    expect(config.auth_enabled).toBe(false);
  });

  it("keeps the seeds' sizing defaults", () => {
    expect(LOKI_DEFAULTS).toMatchObject({
      cpu: 512,
      memoryMiB: 1024,
      desiredCount: 1,
      retentionDays: 7,
      image: 'grafana/loki:3.0.0',
      serviceConnectName: 'loki',
    });
  });
});
