import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ListedObject } from '../../core/verify/loki-storage';
import { awsCall } from './aws-errors';

/** Pages a listing may take: 10,000 keys, far more than a fresh Loki writes before its first check. */
const MAX_PAGES = 10;

/**
 * Every object under `prefix` (S3 ListObjectsV2, followed through NextContinuationToken), newest
 * first is not an S3 order: callers sort. Stops after MAX_PAGES pages and says so (`truncated`).
 */
export async function listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ objects: ListedObject[]; truncated: boolean }> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await awsCall(`s3:ListObjectsV2 s3://${bucket}/${prefix}`, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      ),
    );
    for (const o of out.Contents ?? [])
      if (o.Key !== undefined && o.LastModified !== undefined)
        objects.push({ key: o.Key, lastModifiedMs: o.LastModified.getTime(), size: o.Size ?? 0 });
    if (!out.IsTruncated || !out.NextContinuationToken) return { objects, truncated: false };
    token = out.NextContinuationToken;
  }
  return { objects, truncated: true };
}
