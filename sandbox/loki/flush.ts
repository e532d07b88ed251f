import { createHash } from 'node:crypto';
import type { S3Twin } from '../aws/s3';
import type { LokiStore } from './store';

/**
 * What `POST /flush` does in the sandbox: every stream's entries not yet flushed become one chunk
 * object in the bucket, keyed as Loki's v12+ schemas key chunks,
 * `<tenant>/<fingerprint>/<from>:<through>:<checksum>` in hex (pkg/storage/config/schema_config.go,
 * `ExternalKey`; from/through are the first and last entry's milliseconds). The object holds the
 * lines as text: nothing reads it back, only its key and time matter to the checks.
 */
export class LokiFlusher {
  /** `<tenant> <stream key>` -> entries already written. */
  private readonly flushed = new Map<string, number>();

  constructor(
    private readonly store: LokiStore,
    private readonly s3: S3Twin,
  ) {}

  /** Writes the unflushed entries to `bucket`; returns the keys written. */
  flush(bucket: string): string[] {
    if (!this.s3.hasBucket(bucket)) return [];
    const written: string[] = [];
    for (const tenant of this.store.tenantIds()) {
      for (const stream of this.store.select(tenant, [])) {
        const id = `${tenant} ${stream.key}`;
        const from = this.flushed.get(id) ?? 0;
        const entries = stream.entries.slice(from);
        if (entries.length === 0) continue;
        const body = entries.map(([, line]) => line).join('\n');
        const fingerprint = createHash('sha256').update(stream.key).digest('hex').slice(0, 16);
        const firstMs = entries[0]![0] / 1_000_000n;
        const lastMs = entries[entries.length - 1]![0] / 1_000_000n;
        const checksum = createHash('sha256').update(body).digest('hex').slice(0, 8);
        const key = `${tenant}/${fingerprint}/${firstMs.toString(16)}:${lastMs.toString(16)}:${checksum}`;
        this.s3.putObject(bucket, key, body);
        this.flushed.set(id, stream.entries.length);
        written.push(key);
      }
    }
    return written;
  }
}
