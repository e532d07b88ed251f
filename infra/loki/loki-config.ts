/** The seeds' Loki settings (design 003 and the Terraform variables it lists). */
export const LOKI_DEFAULTS = {
  cpu: 512,
  memoryMiB: 1024,
  desiredCount: 1,
  retentionDays: 7,
  image: 'grafana/loki:3.0.0',
  httpPort: 3100,
  grpcPort: 9095,
  /** The Service Connect name Alloy sidecars and Grafana use: http://loki:3100. */
  serviceConnectName: 'loki',
} as const;

export interface LokiConfigInput {
  /** The S3 bucket for chunks and the TSDB index (may be a CloudFormation token). */
  readonly bucketName: string;
  /** May be a CloudFormation token. */
  readonly region: string;
  readonly retentionDays: number;
}

/**
 * Single-binary Loki on S3 with TSDB and schema v13, as the seeds' design: the compactor enforces
 * `retention_period`, and the bucket's lifecycle (retention + 1 day) is only the backstop.
 */
export function renderLokiConfig(input: LokiConfigInput): string {
  return `auth_enabled: false

server:
  http_listen_port: ${LOKI_DEFAULTS.httpPort}
  grpc_listen_port: ${LOKI_DEFAULTS.grpcPort}
  log_level: info

common:
  path_prefix: /loki
  storage:
    s3:
      bucketnames: ${input.bucketName}
      region: ${input.region}
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

schema_config:
  configs:
    - from: 2024-01-01
      store: tsdb
      object_store: s3
      schema: v13
      index:
        prefix: index_
        period: 24h

storage_config:
  tsdb_shipper:
    active_index_directory: /loki/tsdb-index
    cache_location: /loki/tsdb-cache

ingester:
  chunk_encoding: snappy
  chunk_idle_period: 5m
  chunk_target_size: 1536000
  max_chunk_age: 1h

compactor:
  working_directory: /loki/compactor
  compaction_interval: 10m
  retention_enabled: true
  retention_delete_delay: 2h
  delete_request_store: s3

limits_config:
  retention_period: ${input.retentionDays * 24}h
  ingestion_rate_mb: 10
  ingestion_burst_size_mb: 20
  max_streams_per_user: 10000
  max_entries_limit_per_query: 5000

query_range:
  parallelise_shardable_queries: true
`;
}
