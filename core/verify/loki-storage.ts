import { capList, isoWindow } from './evidence';
import type { Assessment } from './types';

/** One object of an S3 ListObjectsV2 answer (Contents: Key, LastModified, Size). */
export interface ListedObject {
  readonly key: string;
  readonly lastModifiedMs: number;
  readonly size: number;
}

export interface ChunksFlushedInput {
  readonly bucket: string;
  readonly prefix: string;
  /** When the rollout's canary was pushed: chunks written since then hold it (or later lines). */
  readonly sinceMs: number;
  /** When the listing was taken. */
  readonly atMs: number;
  /** What `POST /flush` answered (Loki answers 204 No Content once the flush is queued). */
  readonly flush: { readonly status: number } | { readonly error: string };
  /**
   * The objects under the prefix, or why they could not be listed. `truncated`: the listing
   * stopped at its page limit and the prefix holds more (S3 lists by key, and chunk keys sort by
   * stream fingerprint, not by time, so a new chunk may sit past the part that was listed).
   */
  readonly listing:
    { readonly objects: readonly ListedObject[]; readonly truncated?: boolean } | { readonly error: string };
}

/**
 * The chunk key of Loki's v12+ schemas: `<tenant>/<fingerprint>/<from>:<through>:<checksum>`, all
 * hex (pkg/storage/config/schema_config.go, `ExternalKey`). With authentication off the tenant is
 * "fake", so chunks sit under "fake/".
 */
export function defaultChunkPrefix(tenant: string | undefined): string {
  return `${tenant ?? 'fake'}/`;
}

/**
 * `loki-chunks-flushed`: after `POST /flush` (the ingester writes every in-memory chunk to the
 * store: loki-http-api.md, "POST /flush"), the bucket holds objects under Loki's prefix written
 * since the canary was pushed. S3's LastModified has whole seconds in practice, so the start is
 * taken down to its second: a chunk written in the canary's own second counts. `pending` until
 * such an object appears (the caller settles it against the step's deadline).
 */
export function assessChunksFlushed(input: ChunksFlushedInput): Assessment {
  const name = 'loki-chunks-flushed';
  const sinceSecondMs = Math.floor(input.sinceMs / 1000) * 1000;
  const query = `POST /flush; S3 ListObjectsV2 s3://${input.bucket}/${input.prefix}`;
  const window = isoWindow({ startMs: sinceSecondMs, endMs: input.atMs });
  const threshold = `at least one object under s3://${input.bucket}/${input.prefix} with LastModified at or after ${new Date(sinceSecondMs).toISOString()}`;
  const flush = 'status' in input.flush ? input.flush.status : input.flush.error;
  if ('error' in input.listing)
    return {
      name,
      verdict: 'error',
      message: `could not list s3://${input.bucket}/${input.prefix}: ${input.listing.error}`,
      evidence: { query, window, values: { flush, error: input.listing.error }, threshold },
    };
  const fresh = input.listing.objects
    .filter((o) => o.lastModifiedMs >= sinceSecondMs)
    .sort((a, b) => b.lastModifiedMs - a.lastModifiedMs);
  const shown = capList(fresh);
  const values = {
    flush,
    listed: input.listing.objects.length,
    ...(input.listing.truncated ? { truncated: true } : {}),
    written: fresh.length,
    newest: shown.items.map((o) => ({
      key: o.key,
      lastModified: new Date(o.lastModifiedMs).toISOString(),
      size: o.size,
    })),
    ...(shown.more > 0 ? { more: shown.more } : {}),
  };
  const evidence = { query, window, values, threshold };
  if (fresh.length > 0)
    return {
      name,
      verdict: 'passed',
      message: `${fresh.length} chunk object(s) written to s3://${input.bucket}/${input.prefix} since the canary`,
      evidence,
    };
  return {
    name,
    verdict: 'pending',
    message:
      `no object under s3://${input.bucket}/${input.prefix} written since ${new Date(sinceSecondMs).toISOString()} ` +
      `(${input.listing.objects.length} older) after POST /flush answered ${flush}` +
      (input.listing.truncated
        ? `; the listing stopped at ${input.listing.objects.length} keys and the prefix holds more (keys sort by stream, not time), so a new chunk may not have been listed; for a bucket this large add "chunks-flushed" to loki.skipChecks`
        : ''),
    evidence,
  };
}
