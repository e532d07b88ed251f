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
 *
 * `ingester.wal.flush_on_shutdown: true`. With the WAL enabled (its default) Loki does not flush
 * on shutdown unless this is set (default `false`: `pkg/ingester/wal.go` and the configuration
 * reference of Loki 3.0.0 through 3.7; docs/sources/operations/storage/wal.md: "Flushing of data to
 * chunk store during rollouts or scale down is disabled"), counting on the next start to replay the
 * WAL. Here the WAL is on the task's own disk and a replacement is a new task that never sees it,
 * so without the setting every redeploy loses the unflushed chunks (up to `max_chunk_age`). With it,
 * on SIGTERM the ingester flushes every in-memory chunk, then the store (the ingester depends on it,
 * so it stops later) builds and uploads the TSDB index of those chunks; the service's `stopTimeout`
 * gives it the time.
 * The WAL stays enabled on task-local disk, not on a persistent volume: only a restart that finds
 * it can replay it, and ECS replaces a task with a new one, maybe on another instance (a host volume
 * would need that same instance; EFS puts a network file system under every write). So a crash
 * (OOM kill, lost instance) still loses the unflushed chunks; a stop does not.
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
  wal:
    enabled: true
    dir: /loki/wal
    flush_on_shutdown: true

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
