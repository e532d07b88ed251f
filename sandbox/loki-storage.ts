import { parseLokiDuration } from '../core/plan/loki-duration';
import { LOKI_DEFAULTS, renderLokiConfig } from '../infra/loki/loki-config';
import type { S3Twin } from './aws/s3';
import type { FaultInjector } from './faults';
import { LokiFlusher, type LokiStore } from './loki';

/** The bucket the sandbox's Loki stores in when the plan names none. */
export const DEFAULT_LOKI_BUCKET = 'sandbox-loki-chunks';
const DAY_MS = 86_400_000;

/**
 * The sandbox Loki's storage: the configuration `GET /config` prints (the product's own Loki config,
 * infra/loki/loki-config.ts, with the plan's bucket and retention) and what `POST /flush` writes
 * (the store's chunks, into the S3 twin's bucket). Faults: `loki:retention-off` prints
 * `retention_enabled: false`; `loki:chunks-not-flushed` makes the flush write nothing.
 */
export class SandboxLokiStorage {
  private bucket = DEFAULT_LOKI_BUCKET;
  private retentionDays: number = LOKI_DEFAULTS.retentionDays;
  private readonly flusher: LokiFlusher;

  constructor(
    private readonly options: {
      readonly store: LokiStore;
      readonly s3: S3Twin;
      readonly region: string;
      readonly faults: FaultInjector;
    },
  ) {
    this.flusher = new LokiFlusher(options.store, options.s3);
    options.s3.createBucket(this.bucket);
  }

  /** As the team's Loki is set up: the plan's bucket (created) and retention ("744h", "31d"). */
  configure(storage: { readonly bucket?: string; readonly retention?: string }): void {
    if (storage.bucket) {
      this.bucket = storage.bucket;
      this.options.s3.createBucket(storage.bucket);
    }
    const retentionMs = storage.retention ? parseLokiDuration(storage.retention) : null;
    // renderLokiConfig writes days * 24 h: a retention in whole hours reads back equal.
    if (retentionMs) this.retentionDays = retentionMs / DAY_MS;
  }

  config(): string {
    const yaml = renderLokiConfig({
      bucketName: this.bucket,
      region: this.options.region,
      retentionDays: this.retentionDays,
    });
    return this.options.faults.has('loki-retention-off')
      ? yaml.replace('retention_enabled: true', 'retention_enabled: false')
      : yaml;
  }

  flush(): void {
    if (this.options.faults.has('loki-chunks-not-flushed')) return;
    this.flusher.flush(this.bucket);
  }
}
