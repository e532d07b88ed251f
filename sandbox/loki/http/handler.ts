import type { IncomingMessage, ServerResponse } from 'node:http';
import { RolloutError } from '../../../core/errors';
import { formatLabels, type LabelSet } from '../labels';
import { evaluateInstant, evaluateRange, type QueryCounters } from '../logql/evaluate';
import { parseLogQL } from '../logql/from-tree';
import type { LabelMatcher } from '../logql/ast';
import { badQuery } from '../logql/query-error';
import { SINGLE_TENANT, type LokiStore, type PushStream } from '../store';
import { readBody } from './body';
import { parseBounds, parseRangeParams, parseTimestampNs } from './params';

/** The sandbox's fault injector implements this to make Loki misbehave on purpose. */
export interface LokiFaults {
  /** When true, `/ready` answers 503 as a Loki ingester that is still joining the ring. */
  notReady(): boolean;
  /** A canned answer for this request path (e.g. 429 "Too Many Requests"), or null to serve it. */
  nextHttpError(path: string): { status: number; body: string } | null;
  /**
   * When true for a pushed stream's labels, the push is acknowledged (204) but that stream is not
   * stored: what a sender sees when an ingester loses data after the distributor accepted it.
   */
  dropsPushedStream?(labels: Readonly<Record<string, unknown>>): boolean;
}

export interface LokiHandlerOptions {
  faults?: LokiFaults;
  /**
   * `GET /config`: Loki's effective configuration as YAML (loki-http-api.md, "GET /config"). Absent:
   * 404, as a proxy that does not route it answers.
   */
  config?: () => string;
  /** `POST /flush`: the ingester writes its in-memory chunks to the object store; answered 204. */
  flush?: () => void;
  /** Clock in epoch milliseconds: default query times are relative to it. */
  now?: () => number;
}

export type LokiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const API = '/loki/api/v1';

/** Go's http.Error: plain text, newline-terminated, nosniff. Loki answers every error this way. */
function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text.endsWith('\n') ? text : `${text}\n`);
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** Loki's `stats` block, with the counters a fake can honestly fill and zeros elsewhere. */
function stats(counters: QueryCounters, startedAt: number, now: number): Record<string, unknown> {
  const execTime = Math.max(now - startedAt, 0) / 1000;
  const perSecond = (n: number): number => (execTime > 0 ? Math.round(n / execTime) : n);
  return {
    summary: {
      bytesProcessedPerSecond: perSecond(counters.bytesProcessed),
      linesProcessedPerSecond: perSecond(counters.linesProcessed),
      totalBytesProcessed: counters.bytesProcessed,
      totalLinesProcessed: counters.linesProcessed,
      execTime,
      queueTime: 0,
      subqueries: 0,
      totalEntriesReturned: counters.entriesReturned,
      splits: 0,
      shards: 0,
      totalPostFilterLines: counters.entriesReturned,
      totalStructuredMetadataBytesProcessed: 0,
    },
  };
}

/** URL query parameters merged with a form-encoded POST body, like Go's r.ParseForm. */
async function formParams(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.searchParams);
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const body = await readBody(req);
    if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
    }
  }
  return params;
}

function matchersOf(selector: string): LabelMatcher[] {
  const parsed = parseLogQL(selector);
  if (parsed.kind !== 'log' || parsed.selector.stages.length > 0)
    throw badQuery('only label matchers are supported');
  return [...parsed.selector.matchers];
}

/** Serves Loki's HTTP API from a LokiStore. Resolves true when the path was Loki's to answer. */
export function createLokiHandler(store: LokiStore, options: LokiHandlerOptions = {}): LokiHandler {
  const now = options.now ?? Date.now;
  const nowNs = (): bigint => BigInt(Math.floor(now())) * 1_000_000n;

  const isDropped = (pushed: unknown): boolean => {
    const labels = (pushed as { stream?: unknown } | null)?.stream;
    // Malformed streams are left to the store, which refuses them with Loki's 400.
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return false;
    return options.faults?.dropsPushedStream?.(labels as Record<string, unknown>) ?? false;
  };

  const push = async (req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> => {
    const type = (req.headers['content-type'] ?? 'application/json').toLowerCase();
    if (!type.startsWith('application/json')) {
      // Real Loki also takes snappy protobuf; the sandbox's senders use JSON.
      return sendText(
        res,
        415,
        `unsupported Content-Type ${JSON.stringify(type)}: the sandbox Loki accepts application/json pushes`,
      );
    }
    const body = (await readBody(req)).toString('utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (error) {
      return sendText(res, 400, `loghttp.PushRequest: cannot parse JSON body: ${(error as Error).message}`);
    }
    const streams = (payload as { streams?: unknown } | null)?.streams;
    if (payload === null || typeof payload !== 'object' || !Array.isArray(streams)) {
      return sendText(
        res,
        400,
        'loghttp.PushRequest: expected {"streams": [{"stream": {...}, "values": [["<ns>", "<line>"], ...]}]}',
      );
    }
    const kept = (streams as PushStream[]).filter((s) => !isDropped(s));
    store.push(kept, { tenant });
    res.writeHead(204);
    res.end();
  };

  /** Loki's answer to a query: the result with its type and the query's statistics. */
  const sendQueryResult = (
    res: ServerResponse,
    result: ReturnType<typeof evaluateRange> | ReturnType<typeof evaluateInstant>,
    startedAt: number,
  ): void =>
    sendJson(res, {
      status: 'success',
      data: {
        resultType: result.resultType,
        result: result.result,
        stats: stats(result.counters, startedAt, now()),
      },
    });

  const queryRange = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenant: string,
  ): Promise<void> => {
    const startedAt = now();
    const params = await formParams(req, url);
    const range = parseRangeParams((name) => params.get(name), nowNs());
    const query = parseLogQL(params.get('query') ?? '');
    const result = evaluateRange(store, tenant, query, range);
    sendQueryResult(res, result, startedAt);
  };

  const instant = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenant: string,
  ): Promise<void> => {
    const startedAt = now();
    const params = await formParams(req, url);
    const timeNs = parseTimestampNs(params.get('time'), nowNs());
    const query = parseLogQL(params.get('query') ?? '');
    const result = evaluateInstant(store, tenant, query, timeNs);
    sendQueryResult(res, result, startedAt);
  };

  const labelsIn = async (
    req: IncomingMessage,
    url: URL,
    tenant: string,
  ): Promise<{ labels: LabelSet[] }> => {
    const params = await formParams(req, url);
    const { startNs, endNs } = parseBounds((name) => params.get(name), nowNs());
    const selector = params.get('query');
    const matchers = selector ? matchersOf(selector) : [];
    return { labels: store.active(tenant, startNs, endNs, matchers).map((s) => s.labels) };
  };

  const series = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenant: string,
  ): Promise<void> => {
    const params = await formParams(req, url);
    const { startNs, endNs } = parseBounds((name) => params.get(name), nowNs());
    const groups = params.getAll('match[]').concat(params.getAll('match'));
    if (groups.length === 0) return sendText(res, 400, '0 matcher groups supplied');
    const seen = new Map<string, LabelSet>();
    for (const group of groups) {
      for (const stream of store.active(tenant, startNs, endNs, matchersOf(group)))
        seen.set(formatLabels(stream.labels), stream.labels);
    }
    sendJson(res, { status: 'success', data: [...seen.values()] });
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loki.invalid');
    const path = url.pathname;
    if (path !== '/ready' && path !== '/config' && path !== '/flush' && !path.startsWith('/loki/'))
      return false;
    try {
      const injected = options.faults?.nextHttpError(path) ?? null;
      if (injected) {
        sendText(res, injected.status, injected.body);
        return true;
      }
      if (path === '/ready') {
        if (options.faults?.notReady())
          sendText(res, 503, 'Ingester not ready: waiting for 15s after being ready');
        else sendText(res, 200, 'ready');
        return true;
      }
      // Loki serves both on its HTTP port without a tenant: they are about the process, not a tenant.
      if (path === '/config' && req.method === 'GET') {
        if (options.config) {
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(options.config());
        } else sendText(res, 404, '404 page not found');
        return true;
      }
      if (path === '/flush') {
        if (req.method !== 'POST' && req.method !== 'GET') sendText(res, 405, 'Method Not Allowed');
        else {
          options.flush?.();
          res.writeHead(204);
          res.end();
        }
        return true;
      }
      const orgId = req.headers['x-scope-orgid'];
      const header = Array.isArray(orgId) ? orgId[0] : orgId;
      if (store.multiTenant && !header) {
        sendText(res, 401, 'no org id');
        return true;
      }
      // With authentication off, Loki files everything under the tenant "fake".
      const tenant = store.multiTenant ? (header as string) : SINGLE_TENANT;
      const method = req.method ?? 'GET';
      const route = `${method} ${path}`;
      const labelValues = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
      if (route === `POST ${API}/push`) await push(req, res, tenant);
      else if (path === `${API}/query_range` && (method === 'GET' || method === 'POST'))
        await queryRange(req, res, url, tenant);
      else if (path === `${API}/query` && (method === 'GET' || method === 'POST'))
        await instant(req, res, url, tenant);
      else if (
        (path === `${API}/labels` || path === `${API}/label`) &&
        (method === 'GET' || method === 'POST')
      ) {
        const { labels } = await labelsIn(req, url, tenant);
        sendJson(res, {
          status: 'success',
          data: [...new Set(labels.flatMap((l) => Object.keys(l)))].sort(),
        });
      } else if (labelValues && (method === 'GET' || method === 'POST')) {
        const name = decodeURIComponent(labelValues[1] as string);
        const { labels } = await labelsIn(req, url, tenant);
        const values = labels.map((l) => l[name]).filter((v): v is string => v !== undefined);
        sendJson(res, { status: 'success', data: [...new Set(values)].sort() });
      } else if (path === `${API}/series` && (method === 'GET' || method === 'POST'))
        await series(req, res, url, tenant);
      else if (path === `${API}/push`) sendText(res, 405, 'Method Not Allowed');
      else sendText(res, 404, '404 page not found');
    } catch (error) {
      const status =
        error instanceof RolloutError && typeof error.details['status'] === 'number'
          ? error.details['status']
          : 500;
      if (!res.headersSent) sendText(res, status, error instanceof Error ? error.message : String(error));
      else res.end();
    }
    return true;
  };
}
