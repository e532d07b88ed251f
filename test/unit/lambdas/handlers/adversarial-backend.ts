import { requestedTimeMs } from '../../../support/query-time';
import { healthyAlloySelf } from './support';
import {
  reply,
  startServer,
  type LocalServer,
  type RecordedRequest,
} from '../../lambdas/clients/local-server';

/**
 * A Loki and AMP stand-in on 127.0.0.1 that speaks the documented HTTP APIs (Prometheus
 * `/api/v1/query` as AMP serves it under `/workspaces/<id>`, Loki's query, query_range, series
 * and push) and can corrupt its answers the way a broken proxy, cache or backend would. Honest
 * by default: samples are stamped with the requested time, pushed entries come back as pushed.
 */
export interface Corruption {
  /** Answer this sample value (e.g. "NaN", "+Inf") to the series-count query. */
  countValue?: string;
  /** Answer the series-count query with a Prometheus error body (HTTP 422). */
  countErrorBody?: boolean;
  /** Stamp instant-query samples this long before the requested time. */
  staleByMs?: number;
  /** Lines in Loki and `up` in AMP appear only for requested times at or after this. */
  evidenceFromMs?: number;
  /** The push API answers 204 and stores nothing. */
  dropPushes?: boolean;
  /** The canary read-back answers with one line quoting the query text, stamped an hour earlier. */
  echoQuery?: boolean;
  /** The canary read-back returns stored entries under other labels or timestamps. */
  canaryLabels?: Record<string, string>;
  canaryShiftNs?: bigint;
  /** Answer the next N query_range calls with 503. */
  queryRangeUnavailable?: number;
  /** Answer query_range with Loki's 400 error body (a refused query, not a transient fault). */
  queryRangeRefused?: boolean;
}

export interface Backend {
  readonly url: string;
  readonly corruption: Corruption;
  readonly requests: RecordedRequest[];
  /** Entries stored by the push API, as pushed. */
  readonly stored: { labels: Record<string, string>; ts: string; line: string }[];
  pushes(): number;
  close(): Promise<void>;
}

export const WORKSPACE = 'ws-adversarial';

/**
 * The time an instant query asked for, in ms; for the series API the end of the range it asked
 * for (nanoseconds); now for requests with neither.
 */
function requestedMs(request: RecordedRequest, url: URL): number {
  const end = url.searchParams.get('end');
  const endMs = end !== null && /^\d+$/.test(end) ? Number(BigInt(end) / 1_000_000n) : undefined;
  return requestedTimeMs(url, request.body) ?? endMs ?? Date.now();
}

function queryOf(request: RecordedRequest, url: URL): string {
  return new URLSearchParams(request.body).get('query') ?? url.searchParams.get('query') ?? '';
}

export async function startBackend(options: {
  /** task_id label of the running task the checks look for. */
  readonly taskId: string;
  /** Series count of the service. */
  readonly seriesCount?: number;
}): Promise<Backend> {
  const corruption: Corruption = {};
  const stored: Backend['stored'] = [];
  let pushes = 0;
  const server: LocalServer = await startServer((request, res) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const path = url.pathname;
    const vector = (result: { metric: Record<string, string>; value: string }[]) => {
      const at = (requestedMs(request, url) - (corruption.staleByMs ?? 0)) / 1000;
      reply(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: result.map((r) => ({ metric: r.metric, value: [at, r.value] })),
        },
      });
    };
    const evidenceThere = requestedMs(request, url) >= (corruption.evidenceFromMs ?? 0);
    const task = { task_id: options.taskId };

    if (path === `/workspaces/${WORKSPACE}/api/v1/query`) {
      const query = queryOf(request, url);
      if (query.startsWith('count(')) {
        if (corruption.countErrorBody)
          return reply(res, 422, {
            status: 'error',
            errorType: 'execution',
            error: 'query processing would load too many samples into memory',
          });
        return vector([{ metric: {}, value: corruption.countValue ?? String(options.seriesCount ?? 120) }]);
      }
      if (query.startsWith('up')) return vector(evidenceThere ? [{ metric: task, value: '1' }] : []);
      // Alloy's own metrics, healthy, from a process that started before any task the tests run.
      if (query.startsWith('{__name__=~'))
        return vector(evidenceThere ? healthyAlloySelf(options.taskId, 0) : []);
      return vector([{ metric: {}, value: '0' }]);
    }
    if (path === '/ready') return reply(res, 200, 'ready', 'text/plain');
    if (path === '/loki/api/v1/push') {
      pushes += 1;
      if (!corruption.dropPushes) {
        const body = JSON.parse(request.body) as {
          streams: { stream: Record<string, string>; values: [string, string][] }[];
        };
        for (const s of body.streams)
          for (const [ts, line] of s.values) stored.push({ labels: s.stream, ts, line });
      }
      res.writeHead(204).end();
      return;
    }
    if (path === '/loki/api/v1/query') {
      const query = queryOf(request, url);
      if (query.includes('__error__') || query.includes('level="error"')) return vector([]);
      return vector(evidenceThere ? [{ metric: task, value: '42' }] : []);
    }
    if (path === '/loki/api/v1/series') {
      const labels = {
        service_name: 'history',
        cluster: 'temporal-dev',
        container_name: 'temporal-history',
        task_id: options.taskId,
        level: 'info',
      };
      return reply(res, 200, { status: 'success', data: evidenceThere ? [labels] : [] });
    }
    if (path === '/loki/api/v1/query_range') {
      if ((corruption.queryRangeUnavailable ?? 0) > 0) {
        corruption.queryRangeUnavailable = (corruption.queryRangeUnavailable ?? 0) - 1;
        return reply(res, 503, 'upstream unavailable', 'text/plain');
      }
      if (corruption.queryRangeRefused)
        return reply(res, 400, 'parse error at line 1, col 1: syntax error', 'text/plain');
      const query = queryOf(request, url);
      const start = BigInt(url.searchParams.get('start') ?? '0');
      if (corruption.echoQuery) {
        const hourEarlier = (start + 60_000_000_000n - 3_600_000_000_000n).toString();
        const labels = Object.fromEntries([...query.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        return reply(res, 200, {
          status: 'success',
          data: {
            resultType: 'streams',
            result: [{ stream: labels, values: [[hourEarlier, `query: ${query}`]] }],
          },
        });
      }
      const needle = /\|= "(.*)"$/.exec(query)?.[1] ?? '';
      const found = stored.filter((e) => e.line.includes(needle));
      return reply(res, 200, {
        status: 'success',
        data: {
          resultType: 'streams',
          result: found.map((e) => ({
            stream: corruption.canaryLabels ?? e.labels,
            values: [[(BigInt(e.ts) + (corruption.canaryShiftNs ?? 0n)).toString(), e.line]],
          })),
        },
      });
    }
    return reply(res, 404, 'not found', 'text/plain');
  });
  return {
    url: server.baseUrl,
    corruption,
    requests: server.requests,
    stored,
    pushes: () => pushes,
    close: () => server.close(),
  };
}

/** The example plan pointed at the backend: Loki and AMP both served by it, no Loki auth. */
export function planAt(backend: Backend, plan: Record<string, unknown>): Record<string, unknown> {
  const loki: Record<string, unknown> = { ...(plan.loki as Record<string, unknown>), url: backend.url };
  delete loki.service;
  return {
    ...plan,
    loki,
    amp: { workspaceId: WORKSPACE, queryUrl: `${backend.url}/workspaces/${WORKSPACE}` },
  };
}
