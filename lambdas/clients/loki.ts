import * as z from 'zod';
import { DependencyRejectedError, InputInvalidError, TransientError } from '../../core/errors';
import { formatDuration } from '../../core/plan/duration';
import type { Labels, QueryData } from '../../core/queries/results';
import {
  checkBaseUrl,
  joinUrl,
  parseJsonBody,
  sendHttp,
  trimBody,
  type FetchLike,
  type HttpCall,
} from './http';
import { toQueryData } from './query-format';
import { nanosOf, toNanos, type TimeInput } from './time';

export type LokiAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface LokiClientOptions {
  /** Loki's HTTP root, e.g. http://loki.internal:3100 (paths are appended). */
  readonly baseUrl: string;
  /** Sent as X-Scope-OrgID (multi-tenant Loki). */
  readonly tenant?: string | undefined;
  readonly auth?: LokiAuth | undefined;
  readonly fetchImpl?: FetchLike | undefined;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number | undefined;
}

/** One stream for the push API: labels and `[<ns timestamp string>, <line>]` entries. */
export interface LokiPushStream {
  readonly stream: Labels;
  readonly values: readonly (readonly [timestampNs: string, line: string])[];
}

export interface LokiRangeOptions {
  /** Start of the range: a Date / epoch ms, or nanoseconds exactly. One of the two is required. */
  readonly start?: TimeInput;
  readonly startNs?: string | bigint;
  /** End of the range; Loki's default is now. */
  readonly end?: TimeInput;
  readonly endNs?: string | bigint;
  /** Maximum log lines returned (log queries); Loki's default is 100. */
  readonly limit?: number;
  readonly direction?: 'forward' | 'backward';
  /** Resolution of metric queries. */
  readonly stepMs?: number;
  /**
   * Ask Loki to keep structured metadata and parsed labels out of the stream labels
   * (`X-Loki-Response-Encoding-Flags: categorize-labels`, Loki >= 3.0): without it they are
   * merged in, and a stream's labels are no longer the ones it was pushed with.
   */
  readonly categorizeLabels?: boolean;
}

export interface LokiBounds {
  readonly start?: TimeInput;
  readonly end?: TimeInput;
}

export interface LokiReadiness {
  readonly ready: boolean;
  /** HTTP status when Loki answered. */
  readonly status?: number;
  /** Loki's body ("ready", "Ingester not ready: ..."), or why it could not be reached. */
  readonly detail: string;
}

export interface LokiClient {
  /** GET /ready. Not ready (5xx, unreachable, timeout) is an answer, not an error: callers poll. */
  ready(): Promise<LokiReadiness>;
  /** POST /loki/api/v1/push (JSON). */
  push(streams: readonly LokiPushStream[]): Promise<void>;
  /** GET /loki/api/v1/query_range: log lines (streams) or metric results (matrix). */
  queryRange(query: string, options: LokiRangeOptions): Promise<QueryData>;
  /** GET /loki/api/v1/query, for metric queries only: Loki answers 400 to instant log queries. */
  query(query: string, time?: TimeInput): Promise<QueryData>;
  /** GET /loki/api/v1/series: the label sets of the streams matching any selector. */
  series(match: readonly string[], start: TimeInput, end: TimeInput): Promise<Labels[]>;
  /** GET /loki/api/v1/labels: label names seen in the range. */
  labels(bounds?: LokiBounds): Promise<string[]>;
  /** GET /loki/api/v1/label/<name>/values. */
  labelValues(name: string, bounds?: LokiBounds & { readonly query?: string }): Promise<string[]>;
  /**
   * GET /config: Loki's effective configuration as YAML text (loki-http-api.md, "GET /config").
   * A 404/403 (not routed, withheld) throws DependencyRejectedError with `status` in its details.
   */
  config(): Promise<string>;
  /**
   * POST /flush: the ingesters write every in-memory chunk to the object store (loki-http-api.md,
   * "POST /flush"); Loki answers 204 once the flush is queued, not when the chunks are written.
   */
  flush(): Promise<{ readonly status: number }>;
}

const DEPENDENCY = 'Loki';
const seriesResponse = z.object({
  status: z.literal('success'),
  data: z.array(z.record(z.string(), z.string())),
});
const namesResponse = z.object({ status: z.literal('success'), data: z.array(z.string()).nullable() });

function authHeader(auth: LokiAuth): string {
  if (auth.kind === 'basic')
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  return `Bearer ${auth.token}`;
}

function boundParams(params: URLSearchParams, bounds: LokiBounds | undefined): void {
  if (bounds?.start !== undefined) params.set('start', toNanos(bounds.start));
  if (bounds?.end !== undefined) params.set('end', toNanos(bounds.end));
}

export function createLokiClient(options: LokiClientOptions): LokiClient {
  checkBaseUrl(options.baseUrl, 'Loki URL', 'http://loki:3100');
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.tenant) headers['X-Scope-OrgID'] = options.tenant;
  if (options.auth) headers['Authorization'] = authHeader(options.auth);
  const http = { dependency: DEPENDENCY, fetchImpl: options.fetchImpl };

  const call = (
    method: HttpCall['method'],
    path: string,
    params?: URLSearchParams,
    body?: string,
    extraHeaders: Record<string, string> = {},
  ): HttpCall => {
    const url = joinUrl(options.baseUrl, path);
    if (params) url.search = params.toString();
    return {
      method,
      url,
      headers:
        body !== undefined
          ? { ...headers, ...extraHeaders, 'Content-Type': 'application/json' }
          : { ...headers, ...extraHeaders },
      ...(body !== undefined ? { body } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
  };

  const getJson = async (
    path: string,
    params: URLSearchParams,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: unknown; where: string }> => {
    const request = call('GET', path, params, undefined, extraHeaders);
    const result = await sendHttp(request, http);
    return { body: parseJsonBody(result, request, DEPENDENCY), where: `Loki GET ${path}` };
  };

  const names = async (path: string, params: URLSearchParams): Promise<string[]> => {
    const { body, where } = await getJson(path, params);
    const parsed = namesResponse.safeParse(body);
    if (!parsed.success)
      throw new DependencyRejectedError(
        `${where} answered with an unexpected body: expected {"status":"success","data":[...]}`,
      );
    return parsed.data.data ?? [];
  };

  return {
    async ready() {
      const request = call('GET', '/ready');
      try {
        const result = await sendHttp(request, { ...http, dependency: DEPENDENCY });
        return { ready: true, status: result.status, detail: trimBody(result.text) };
      } catch (error) {
        if (error instanceof TransientError) {
          const status = typeof error.details['status'] === 'number' ? error.details['status'] : undefined;
          return { ready: false, ...(status !== undefined ? { status } : {}), detail: error.message };
        }
        throw error;
      }
    },

    async push(streams) {
      if (streams.length === 0) throw new InputInvalidError('expected at least one stream to push');
      for (const s of streams) {
        if (Object.keys(s.stream).length === 0)
          throw new InputInvalidError('every pushed stream needs at least one label');
        for (const [ts] of s.values) nanosOf(ts, 'a push timestamp');
      }
      const body = JSON.stringify({ streams: streams.map((s) => ({ stream: s.stream, values: s.values })) });
      await sendHttp(call('POST', '/loki/api/v1/push', undefined, body), http);
    },

    async queryRange(query, range) {
      const params = new URLSearchParams({ query });
      if (range.startNs !== undefined) params.set('start', nanosOf(range.startNs, 'startNs'));
      else if (range.start !== undefined) params.set('start', toNanos(range.start));
      else
        throw new InputInvalidError(
          'queryRange needs start or startNs: without it Loki silently reads only the last hour',
        );
      if (range.endNs !== undefined) params.set('end', nanosOf(range.endNs, 'endNs'));
      else if (range.end !== undefined) params.set('end', toNanos(range.end));
      if (range.limit !== undefined) params.set('limit', String(range.limit));
      if (range.direction !== undefined) params.set('direction', range.direction);
      if (range.stepMs !== undefined) params.set('step', formatDuration(range.stepMs));
      const flags: Record<string, string> = range.categorizeLabels
        ? { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' }
        : {};
      const { body, where } = await getJson('/loki/api/v1/query_range', params, flags);
      return toQueryData(body, where);
    },

    async query(query, time) {
      const params = new URLSearchParams({ query });
      if (time !== undefined) params.set('time', toNanos(time));
      const { body, where } = await getJson('/loki/api/v1/query', params);
      return toQueryData(body, where);
    },

    async series(match, start, end) {
      if (match.length === 0) throw new InputInvalidError('series needs at least one stream selector');
      const params = new URLSearchParams();
      for (const selector of match) params.append('match[]', selector);
      boundParams(params, { start, end });
      const { body, where } = await getJson('/loki/api/v1/series', params);
      const parsed = seriesResponse.safeParse(body);
      if (!parsed.success)
        throw new DependencyRejectedError(
          `${where} answered with an unexpected body: expected {"status":"success","data":[{...labels}]}`,
        );
      return parsed.data.data;
    },

    async labels(bounds) {
      const params = new URLSearchParams();
      boundParams(params, bounds);
      return names('/loki/api/v1/labels', params);
    },

    async labelValues(name, bounds) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
        throw new InputInvalidError(
          `label name ${JSON.stringify(name)} is not valid: expected [a-zA-Z_][a-zA-Z0-9_]*`,
        );
      const params = new URLSearchParams();
      boundParams(params, bounds);
      if (bounds?.query) params.set('query', bounds.query);
      return names(`/loki/api/v1/label/${name}/values`, params);
    },

    async config() {
      // Loki writes the YAML whatever the Accept header says; ask for text so proxies agree.
      const result = await sendHttp(
        call('GET', '/config', undefined, undefined, { Accept: 'text/plain' }),
        http,
      );
      return result.text;
    },

    async flush() {
      const result = await sendHttp(call('POST', '/flush'), http);
      return { status: result.status };
    },
  };
}
