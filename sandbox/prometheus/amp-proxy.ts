import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Route } from '../server';
import {
  hasStampedAnswer,
  hasTimedParameters,
  translateAnswer,
  translateParameters,
  type ForwardedInstant,
  type TimeTranslation,
} from './time-translation';

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
  /**
   * The sandbox's clock: query instants are asked for in simulated time and Prometheus stamps its
   * scrapes with the wall clock, so instants are translated on the way in and sample timestamps on
   * the way out. Without it requests and answers pass unchanged.
   */
  readonly time?: TimeTranslation;
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

/** A form body Prometheus would read parameters from (it reads no compressed one). */
function isForm(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const encoded = (req.headers['content-encoding'] ?? 'identity') !== 'identity';
  return type.startsWith('application/x-www-form-urlencoded') && !encoded;
}

/** Every `query` parameter, from the URL and from a form-encoded body, as Prometheus reads them. */
function queriesOf(req: IncomingMessage, url: URL, body: Buffer): string[] {
  const queries = url.searchParams.getAll('query');
  if (isForm(req)) queries.push(...new URLSearchParams(body.toString('utf8')).getAll('query'));
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
      badGateway(res, error);
      resolve();
    });
    upstream.end(body);
  });
}

/** The request with its instants on the wall clock: the URL's query string and a form body. */
function toRealTime(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  time: TimeTranslation,
): { search: string; body: Buffer; forwarded: ForwardedInstant[] } {
  const forwarded: ForwardedInstant[] = [];
  const params = translateParameters(url.searchParams, time, forwarded);
  const search = [...params].length > 0 ? `?${params.toString()}` : '';
  if (!isForm(req)) return { search, body, forwarded };
  // The SigV4 signature covered the original body; Prometheus does not check it, as AMP would.
  const form = translateParameters(new URLSearchParams(body.toString('utf8')), time, forwarded);
  return { search, body: Buffer.from(form.toString(), 'utf8'), forwarded };
}

/** Forwards a query and answers with its sample timestamps moved back onto simulated time. */
function forwardTranslated(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  body: Buffer,
  time: TimeTranslation,
  forwarded: readonly ForwardedInstant[],
): Promise<void> {
  return new Promise((resolve) => {
    const headers = { ...endToEnd(req.headers), host: target.host, 'content-length': String(body.length) };
    // A plain body to rewrite: the answer is re-encoded here anyway.
    headers['accept-encoding'] = 'identity';
    const upstream = request(target, { method: req.method ?? 'GET', headers }, (answer) => {
      readRaw(answer)
        .then((raw) => {
          let text = raw.toString('utf8');
          const type = String(answer.headers['content-type'] ?? '');
          if (type.includes('json')) {
            try {
              text = JSON.stringify(translateAnswer(JSON.parse(text) as unknown, time, forwarded));
            } catch {
              // Not JSON after all: passed on as it came, for the client to refuse.
            }
          }
          const out = endToEnd(answer.headers);
          delete out['content-length'];
          delete out['content-encoding'];
          res.writeHead(answer.statusCode ?? 502, {
            ...out,
            'content-length': String(Buffer.byteLength(text)),
          });
          res.end(text);
        })
        .catch(() => res.destroy())
        .finally(resolve);
    });
    upstream.on('error', (error) => {
      badGateway(res, error);
      resolve();
    });
    upstream.end(body);
  });
}

/**
 * Amazon Managed Prometheus as the sandbox serves it: AMP's workspace paths in front of a real
 * Prometheus, byte for byte (status, headers, body), so a product pointed at the sandbox uses the
 * URL shape it uses in AWS and faults can answer single queries the way AMP would. With `time`,
 * query instants and answer timestamps are moved between the sandbox's clock and Prometheus'.
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
    const root = backend.replace(/\/+$/, '');
    if (options.time && hasTimedParameters(path)) {
      const real = toRealTime(req, url, body, options.time);
      const target = new URL(`${root}${path}${real.search}`);
      if (hasStampedAnswer(path))
        await forwardTranslated(req, res, target, real.body, options.time, real.forwarded);
      else await forward(req, res, target, real.body);
      return true;
    }
    await forward(req, res, new URL(`${root}${path}${url.search}`), body);
    return true;
  };
}

/** Prometheus could not be reached: 502 when nothing was sent yet, otherwise the answer is cut. */
function badGateway(res: ServerResponse, error: Error): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`502 Bad Gateway: the Prometheus behind the AMP stand-in is unreachable: ${error.message}\n`);
}
