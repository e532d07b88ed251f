import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { InputInvalidError } from '../../../core/errors';

/** Loki's default server limit for a request body (grpc/http max recv size is 4 MiB). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new InputInvalidError(`request body too large: more than ${MAX_BODY_BYTES} bytes`, {
        status: 413,
      });
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
  try {
    if (encoding === 'gzip') return gunzipSync(body);
    if (encoding === 'deflate') return inflateSync(body);
  } catch (error) {
    throw new InputInvalidError(`cannot decompress ${encoding} body: ${(error as Error).message}`, {
      status: 400,
    });
  }
  if (encoding !== '' && encoding !== 'identity')
    throw new InputInvalidError(`Content-Encoding "${encoding}" not supported`, { status: 415 });
  return body;
}
