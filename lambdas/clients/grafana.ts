import { checkBaseUrl, joinUrl, parseJsonBody, sendHttp, type FetchLike, type HttpCall } from './http';

/**
 * Grafana's HTTP API, the calls the Grafana checkpoint makes, with a service-account token as
 * Bearer (grafana/grafana docs/sources/developers/http_api/authentication.md). The answers that
 * are evidence come back with their status instead of as errors: 404 for a datasource or
 * dashboard Grafana does not have, 400 for a health check that failed (pkg/api/plugins.go
 * CheckHealth) and for a query the datasource refused (pkg/api/ds_query.go: the same body with
 * the error per refId), 401/403 for a token Grafana refuses. 429, 5xx and network trouble are
 * thrown as ThrottledError/TransientError for the state's Retry.
 */
export interface GrafanaClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetchImpl?: FetchLike | undefined;
  readonly timeoutMs?: number | undefined;
}

/** Status and JSON body (null for a body that is empty). */
export interface GrafanaResponse {
  readonly status: number;
  readonly body: unknown;
}

/** One query of `POST /api/ds/query`, as Grafana's query editor sends it for Loki and Prometheus. */
export interface DsQuery {
  readonly refId: string;
  readonly datasource: { readonly uid: string; readonly type?: string };
  readonly expr: string;
  /** Loki's model: "range" for a query over from..to. */
  readonly queryType?: 'range';
  /** Prometheus' model: a range query. */
  readonly range?: boolean;
  readonly instant?: boolean;
  /** Loki: the most lines to return. */
  readonly maxLines?: number;
  readonly intervalMs?: number;
  readonly maxDataPoints?: number;
}

export interface GrafanaClient {
  /** GET /api/datasources/uid/:uid */
  datasource(uid: string): Promise<GrafanaResponse>;
  /** GET /api/datasources/uid/:uid/health */
  datasourceHealth(uid: string): Promise<GrafanaResponse>;
  /** GET /api/dashboards/uid/:uid */
  dashboard(uid: string): Promise<GrafanaResponse>;
  /** POST /api/ds/query; from/to in epoch milliseconds. */
  query(
    queries: readonly DsQuery[],
    range: { readonly fromMs: number; readonly toMs: number },
  ): Promise<GrafanaResponse>;
}

const DEPENDENCY = 'Grafana';
// Answers that carry evidence rather than a fault of the call (see above).
const EVIDENCE_STATUSES = [400, 401, 403, 404] as const;

export function createGrafanaClient(options: GrafanaClientOptions): GrafanaClient {
  checkBaseUrl(options.baseUrl, 'Grafana URL (grafana.url)', 'https://grafana.example.com');
  const headers = {
    authorization: `Bearer ${options.token}`,
    accept: 'application/json',
  };
  const send = async (call: HttpCall): Promise<GrafanaResponse> => {
    const result = await sendHttp(
      { ...call, accept: EVIDENCE_STATUSES, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
      { dependency: DEPENDENCY, fetchImpl: options.fetchImpl },
    );
    const body = result.text.trim() === '' ? null : parseJsonBody(result, call, DEPENDENCY);
    return { status: result.status, body };
  };
  const get = (path: string) => send({ method: 'GET', url: joinUrl(options.baseUrl, path), headers });
  const uidPath = (uid: string) => encodeURIComponent(uid);
  return {
    datasource: (uid) => get(`/api/datasources/uid/${uidPath(uid)}`),
    datasourceHealth: (uid) => get(`/api/datasources/uid/${uidPath(uid)}/health`),
    dashboard: (uid) => get(`/api/dashboards/uid/${uidPath(uid)}`),
    query: (queries, range) =>
      send({
        method: 'POST',
        url: joinUrl(options.baseUrl, '/api/ds/query'),
        headers: { ...headers, 'content-type': 'application/json' },
        // from/to as epoch-ms strings, as the documented example sends them.
        body: JSON.stringify({ queries, from: String(range.fromMs), to: String(range.toMs) }),
      }),
  };
}
