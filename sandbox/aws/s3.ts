import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';

/**
 * Amazon S3, the part the orchestrator calls: ListObjectsV2 over the REST-XML protocol, path-style
 * (`GET /<bucket>?list-type=2&prefix=...`), as the S3 API reference documents it
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): a `ListBucketResult`
 * with one `<Contents>` per key in UTF-8 binary order, at most `max-keys` (default 1000) per page,
 * `IsTruncated` and an opaque `NextContinuationToken` for the next page; a missing bucket answers
 * 404 `NoSuchBucket` in S3's `<Error>` document. Objects are written by the sandbox itself (the
 * Loki twin's flushes); there is no PUT API.
 */

export interface S3Object {
  readonly key: string;
  readonly lastModifiedMs: number;
  readonly size: number;
  readonly etag: string;
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MAX_KEYS = 1000;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

let requestCounter = 0;

function sendXml(res: ServerResponse, status: number, body: string): void {
  requestCounter += 1;
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(text),
    'x-amz-request-id': `sandbox-s3-${process.pid}-${requestCounter}`,
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, extra = ''): void {
  sendXml(
    res,
    status,
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>sandbox-s3-${requestCounter + 1}</RequestId></Error>`,
  );
}

export class S3Twin {
  private readonly buckets = new Map<string, Map<string, S3Object>>();

  constructor(private readonly now: () => number) {}

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** Stores an object as of now (the sandbox clock), replacing one with the same key. */
  putObject(bucket: string, key: string, body: string | Buffer): S3Object {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`S3 twin: no bucket ${bucket}`);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const object: S3Object = {
      key,
      lastModifiedMs: this.now(),
      size: bytes.length,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
    };
    objects.set(key, object);
    return object;
  }

  /** Keys under a prefix, in S3's order (UTF-8 binary). */
  list(bucket: string, prefix = ''): S3Object[] {
    const objects = this.buckets.get(bucket);
    if (!objects) return [];
    return [...objects.values()]
      .filter((o) => o.key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** The HTTP route: answers ListObjectsV2 on a path-style bucket URL, leaves everything else. */
  route() {
    return (req: IncomingMessage, res: ServerResponse): boolean => {
      const url = new URL(req.url ?? '/', 'http://s3.invalid');
      const bucket = /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(url.pathname)?.[1];
      if (req.method !== 'GET' || !bucket || url.searchParams.get('list-type') !== '2') return false;
      const objects = this.buckets.get(bucket);
      if (!objects) {
        sendError(
          res,
          404,
          'NoSuchBucket',
          'The specified bucket does not exist',
          `<BucketName>${escapeXml(bucket)}</BucketName>`,
        );
        return true;
      }
      const prefix = url.searchParams.get('prefix') ?? '';
      const maxKeysText = url.searchParams.get('max-keys');
      const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
      if (!Number.isInteger(maxKeys) || maxKeys < 0) {
        sendError(res, 400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range');
        return true;
      }
      const token = url.searchParams.get('continuation-token');
      // The token is opaque to clients; here it is the last key returned, base64-encoded.
      const after =
        token !== null
          ? Buffer.from(token, 'base64').toString('utf8')
          : (url.searchParams.get('start-after') ?? '');
      const all = this.list(bucket, prefix).filter(
        (o) => after === '' || Buffer.compare(Buffer.from(o.key), Buffer.from(after)) > 0,
      );
      const page = all.slice(0, Math.min(maxKeys, MAX_KEYS));
      const truncated = all.length > page.length;
      const last = page[page.length - 1];
      const contents = page
        .map(
          (o) =>
            `<Contents><Key>${escapeXml(o.key)}</Key><LastModified>${new Date(o.lastModifiedMs).toISOString()}</LastModified>` +
            `<ETag>${escapeXml(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('');
      sendXml(
        res,
        200,
        `<ListBucketResult xmlns="${XMLNS}"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>` +
          `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
          (token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '') +
          (truncated && last
            ? `<NextContinuationToken>${Buffer.from(last.key).toString('base64')}</NextContinuationToken>`
            : '') +
          `${contents}</ListBucketResult>`,
      );
      return true;
    };
  }
}
