import type { IncomingMessage, ServerResponse } from 'node:http';
import { evaluateRange } from '../loki/logql/evaluate';
import { parseLogQL } from '../loki/logql/from-tree';
import { SINGLE_TENANT, type LokiStore } from '../loki/store';
import { readBody } from '../loki/http/body';
import type { Route } from '../server';
import { logsFrame, seriesFrames, type Frame } from './frames';
import { interpolateGrafanaVariables } from './variables';

/** Where the twin answers: `<sandbox>/grafana` is the Grafana URL a rehearsal plan names. */
export const GRAFANA_PREFIX = '/grafana';

/** The twin's two datasources: Loki (the sandbox's Loki API) and AMP (its Prometheus front). */
export const GRAFANA_DATASOURCES = {
  loki: { uid: 'loki', name: 'Loki', type: 'loki' },
  prometheus: { uid: 'amp', name: 'Amazon Managed Service for Prometheus', type: 'prometheus' },
} as const;

export interface GrafanaTwinOptions {
  readonly loki: LokiStore;
  /** The service-account token requests must carry as Bearer (the seeded secret's value). */
  readonly token: string;
  readonly lokiUrl: () => string;
  /** The AMP workspace URL (simulated time), undefined while no Prometheus runs. */
  readonly prometheusUrl: () => string | undefined;
  readonly lokiReady: () => boolean;
  readonly datasourceMissing: () => boolean;
  readonly dashboardEmpty: (uid: string) => boolean;
  /** Dashboards by UID, as GET /api/dashboards/uid/:uid answers them. */
  readonly dashboards: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

interface DsQueryItem {
  readonly refId?: unknown;
  readonly datasource?: { readonly uid?: unknown };
  readonly expr?: unknown;
  readonly intervalMs?: unknown;
  readonly maxLines?: unknown;
}

/** Per-query result of /api/ds/query: frames, or the error Grafana puts beside a status. */
type QueryResult = { status: number; frames: Frame[] } | { status: number; error: string; frames: [] };

/** Every expr of the dashboards whose queries the `grafana:dashboard-empty` fault empties. */
function emptiedExprs(options: GrafanaTwinOptions): Set<string> {
  const exprs = new Set<string>();
  const visit = (panels: unknown) => {
    for (const p of Array.isArray(panels) ? panels : []) {
      const panel = p as { targets?: { expr?: unknown }[]; panels?: unknown };
      for (const t of panel.targets ?? []) if (typeof t.expr === 'string') exprs.add(t.expr);
      visit(panel.panels);
    }
  };
  for (const [uid, body] of options.dashboards)
    if (options.dashboardEmpty(uid)) visit((body['dashboard'] as { panels?: unknown } | undefined)?.panels);
  return exprs;
}

/**
 * The Grafana HTTP API calls the checkpoint makes, with the documented shapes
 * (grafana/grafana docs/sources/developers/http_api/data_source.md and dashboard.md):
 * GET /api/datasources/uid/:uid (404 `{"message":"Data source not found"}`), GET
 * /api/datasources/uid/:uid/health (200 `{"status":"OK"}`, 400 `{"status":"ERROR"}`), GET
 * /api/dashboards/uid/:uid, and POST /api/ds/query answered through the sandbox's Loki store
 * (its LogQL engine) and Prometheus (PromQL through the AMP front). A request without the token
 * as Bearer is answered 401, as Grafana does.
 */
export function createGrafanaRoute(options: GrafanaTwinOptions): Route {
  const datasource = (uid: string) =>
    options.datasourceMissing() ? undefined : Object.values(GRAFANA_DATASOURCES).find((d) => d.uid === uid);

  const runLoki = (
    q: DsQueryItem,
    expr: string,
    fromMs: number,
    toMs: number,
    intervalMs: number,
  ): QueryResult => {
    const parsed = parseLogQL(expr);
    const result = evaluateRange(options.loki, SINGLE_TENANT, parsed, {
      startNs: BigInt(Math.trunc(fromMs)) * 1_000_000n,
      endNs: BigInt(Math.trunc(toMs)) * 1_000_000n,
      stepNs: BigInt(Math.max(1000, Math.trunc(intervalMs))) * 1_000_000n,
      limit: typeof q.maxLines === 'number' ? q.maxLines : 1000,
      direction: 'backward',
    });
    const refId = String(q.refId);
    return result.resultType === 'streams'
      ? { status: 200, frames: [logsFrame(refId, result.result)] }
      : { status: 200, frames: seriesFrames(refId, result.result) };
  };

  const runPrometheus = async (
    q: DsQueryItem,
    expr: string,
    fromMs: number,
    toMs: number,
    intervalMs: number,
  ): Promise<QueryResult> => {
    const base = options.prometheusUrl();
    if (!base) return { status: 500, error: 'Prometheus is not running in this sandbox', frames: [] };
    const form = new URLSearchParams({
      query: expr,
      start: String(fromMs / 1000),
      end: String(toMs / 1000),
      step: String(Math.max(1, Math.round(intervalMs / 1000))),
    });
    const answer = await fetch(`${base.replace(/\/+$/, '')}/api/v1/query_range`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = (await answer.json()) as {
      status?: string;
      error?: string;
      data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    if (body.status !== 'success')
      return { status: 400, error: body.error ?? `HTTP ${answer.status}`, frames: [] };
    return { status: 200, frames: seriesFrames(String(q.refId), body.data?.result ?? []) };
  };

  const query = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let payload: { queries?: DsQueryItem[]; from?: unknown; to?: unknown };
    try {
      payload = JSON.parse((await readBody(req)).toString('utf8')) as typeof payload;
    } catch {
      return send(res, 400, { message: 'bad request data' });
    }
    const fromMs = Number(payload.from);
    const toMs = Number(payload.to);
    // The real API also takes relative times ("now-5m"); the checkpoint sends epoch milliseconds.
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !Array.isArray(payload.queries))
      return send(res, 400, { message: 'expected "queries" and "from"/"to" as epoch milliseconds' });
    const emptied = emptiedExprs(options);
    const results: Record<string, QueryResult> = {};
    for (const q of payload.queries) {
      const refId = typeof q.refId === 'string' ? q.refId : 'A';
      const ds = datasource(typeof q.datasource?.uid === 'string' ? q.datasource.uid : '');
      if (!ds) {
        results[refId] = { status: 404, error: 'data source not found', frames: [] };
        continue;
      }
      const raw = typeof q.expr === 'string' ? q.expr : '';
      const intervalMs = typeof q.intervalMs === 'number' && q.intervalMs > 0 ? q.intervalMs : 15_000;
      const expr = interpolateGrafanaVariables(raw, { intervalMs, rangeMs: toMs - fromMs });
      try {
        const result =
          ds.type === 'loki'
            ? runLoki({ ...q, refId }, expr, fromMs, toMs, intervalMs)
            : await runPrometheus({ ...q, refId }, expr, fromMs, toMs, intervalMs);
        // The fault: the dashboard's data is gone; its queries answer frames without values.
        results[refId] =
          emptied.has(raw) && 'frames' in result && !('error' in result)
            ? {
                status: 200,
                frames: result.frames.map((f) => ({ ...f, data: { values: f.data.values.map(() => []) } })),
              }
            : result;
      } catch (error) {
        results[refId] = { status: 400, error: (error as Error).message, frames: [] };
      }
    }
    // pkg/api/ds_query.go: any query with an error makes the whole answer 400, results kept.
    const failed = Object.values(results).find((r) => 'error' in r);
    send(res, failed ? 400 : 200, { results });
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://grafana.invalid');
    if (!url.pathname.startsWith(`${GRAFANA_PREFIX}/`)) return false;
    const path = url.pathname.slice(GRAFANA_PREFIX.length);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      send(res, 401, { message: 'Unauthorized' });
      return true;
    }
    const method = req.method ?? 'GET';
    const ds = /^\/api\/datasources\/uid\/([^/]+)(\/health)?$/.exec(path);
    const board = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
    if (ds && method === 'GET') {
      const found = datasource(decodeURIComponent(ds[1] as string));
      if (!found) send(res, 404, { message: 'Data source not found' });
      else if (!ds[2])
        send(res, 200, {
          id: found.type === 'loki' ? 1 : 2,
          orgId: 1,
          ...found,
          access: 'proxy',
          url: found.type === 'loki' ? options.lokiUrl() : (options.prometheusUrl() ?? ''),
          isDefault: found.type === 'prometheus',
          jsonData: {},
          readOnly: true,
        });
      else if (found.type === 'loki' && !options.lokiReady())
        send(res, 400, {
          status: 'ERROR',
          message: 'Unable to connect with Loki. Please check the server logs for more details.',
        });
      else send(res, 200, { status: 'OK', message: 'Data source successfully connected.' });
    } else if (board && method === 'GET') {
      const found = options.dashboards.get(decodeURIComponent(board[1] as string));
      if (found) send(res, 200, found);
      else send(res, 404, { message: 'Dashboard not found' });
    } else if (path === '/api/ds/query' && method === 'POST') await query(req, res);
    else send(res, 404, { message: 'Not found' });
    return true;
  };
}
