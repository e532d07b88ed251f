import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsApiError } from './errors';

/** One AWS service twin: its X-Amz-Target prefix and the operations it answers. */
export interface AwsJsonService {
  /** e.g. "AmazonEC2ContainerServiceV20141113" (ECS), "DynamoDB_20120810". */
  readonly targetPrefix: string;
  /** Content type the real service answers with (awsJson1_0 or awsJson1_1). */
  readonly contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  /** Throw AwsApiError for service errors; anything else becomes an InternalFailure (500). */
  readonly operations: Readonly<Record<string, (input: Record<string, unknown>) => unknown>>;
  /** Called before each operation, e.g. to inject throttling. */
  readonly before?: (operation: string) => void;
}

/** Where a request's body is kept once read, so the next route that looks at it reads the same. */
const BODY = Symbol('sandbox request body');

/**
 * The whole request body. Kept on the request: two Query-protocol routes (EC2, then IAM) each read
 * the form to see whether the request is theirs.
 */
export async function readBody(req: IncomingMessage, limitBytes = 16 * 1024 * 1024): Promise<Buffer> {
  const kept = (req as IncomingMessage & { [BODY]?: Buffer })[BODY];
  if (kept) return kept;
  const body = await readWholeBody(req, limitBytes);
  (req as IncomingMessage & { [BODY]?: Buffer })[BODY] = body;
  return body;
}

async function readWholeBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes)
      throw new AwsApiError('SerializationException', `request body larger than ${limitBytes} bytes`, 413);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Epoch seconds with fractions: how awsJson protocols carry timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': nextRequestId(),
    ...headers,
  });
  res.end(text);
}

let requestCounter = 0;
function nextRequestId(): string {
  requestCounter += 1;
  return `sandbox-${process.pid}-${requestCounter}`;
}

/**
 * Answers one AWS JSON-protocol request for the service whose prefix matches X-Amz-Target.
 * Returns false when no registered service matches (the caller tries other routes).
 */
export async function handleAwsJson(
  services: readonly AwsJsonService[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || req.method !== 'POST') return false;
  const dot = target.lastIndexOf('.');
  const prefix = target.slice(0, dot);
  const operation = target.slice(dot + 1);
  const service = services.find((s) => s.targetPrefix === prefix);
  if (!service) return false;
  try {
    const body = await readBody(req);
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsApiError('SerializationException', 'request body is not valid JSON');
      }
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw new AwsApiError('SerializationException', 'request body must be a JSON object');
    const fn = service.operations[operation];
    if (!fn)
      throw new AwsApiError(
        'UnknownOperationException',
        `operation ${operation} is not supported by the sandbox's ${prefix}`,
      );
    service.before?.(operation);
    const output = await fn(input as Record<string, unknown>);
    send(res, 200, service.contentType, output ?? {});
  } catch (error) {
    if (error instanceof AwsApiError) {
      send(
        res,
        error.status,
        service.contentType,
        { __type: error.type, message: error.message, ...error.extra },
        { 'x-amzn-errortype': error.type },
      );
    } else {
      const message = error instanceof Error ? error.message : String(error);
      send(
        res,
        500,
        service.contentType,
        { __type: 'InternalFailure', message },
        { 'x-amzn-errortype': 'InternalFailure' },
      );
    }
  }
  return true;
}
