import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Route } from '../server';

/** A Prometheus API error: the status and the two fields of its documented error body. */
export interface PrometheusErrorAnswer {
  readonly status: number;
  readonly errorType: string;
  readonly error: string;
}

export interface AmpProxyOptions {
  /** The workspace this stand-in answers for, as in AMP's `/workspaces/<id>/api/v1/...`. */
  readonly workspaceId: string;
  /** Root of the Prometheus behind it; undefined while none runs (the path then is not served). */
  readonly backendUrl: () => string | undefined;
  /** A canned error for a PromQL query (an injected fault), or null to forward the request. */
  readonly intercept?: (query: string) => PrometheusErrorAnswer | null;
}

// Headers that describe one connection, not the message: never forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Every `query` parameter, from the URL and from a form-encoded body, as Prometheus reads them. */
function queriesOf(req: IncomingMessage, url: URL, body: Buffer): string[] {
  const queries = url.searchParams.getAll('query');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const encoded = (req.headers['content-encoding'] ?? 'identity') !== 'identity';
  if (type.startsWith('application/x-www-form-urlencoded') && !encoded)
    queries.push(...new URLSearchParams(body.toString('utf8')).getAll('query'));
  return queries;
}

function sendError(res: ServerResponse, answer: PrometheusErrorAnswer): void {
  // Prometheus' respondError: the envelope without data, as application/json.
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'error', errorType: answer.errorType, error: answer.error }));
}

/** AMP takes remote write at `.../api/v1/remote_write`; Prometheus' receiver is `/api/v1/write`. */
function backendPath(workspacePath: string): string {
  return workspacePath === '/api/v1/remote_write' ? '/api/v1/write' : workspacePath;
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, body: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request(
      target,
      {
        method: req.method ?? 'GET',
        // SigV4 headers travel on unchanged: Prometheus ignores them, as AMP's signature check is
        // not what the sandbox stands in for.
        headers: { ...endToEnd(req.headers), host: target.host, 'content-length': String(body.length) },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`502 Bad Gateway: the Prometheus behind the AMP stand-in is unreachable: ${error.message}\n`);
      } else res.destroy();
      resolve();
    });
    upstream.end(body);
  });
}

/**
 * Amazon Managed Prometheus as the sandbox serves it: AMP's workspace paths in front of a real
 * Prometheus, byte for byte (status, headers, body), so a product pointed at the sandbox uses the
 * URL shape it uses in AWS and faults can answer single queries the way AMP would.
 */
export function createAmpProxy(options: AmpProxyOptions): Route {
  const prefix = `/workspaces/${options.workspaceId}`;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://amp.invalid');
    if (!url.pathname.startsWith(`${prefix}/`)) return false;
    const backend = options.backendUrl();
    if (backend === undefined) return false;
    const body = await readRaw(req);
    for (const query of queriesOf(req, url, body)) {
      const answer = options.intercept?.(query) ?? null;
      if (answer) {
        sendError(res, answer);
        return true;
      }
    }
    const path = backendPath(url.pathname.slice(prefix.length));
    const target = new URL(`${backend.replace(/\/+$/, '')}${path}${url.search}`);
    await forward(req, res, target, body);
    return true;
  };
}
