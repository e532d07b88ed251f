import { isoWindow } from './evidence';
import { logLinesOf, readQueryAnswer } from './grafana-frames';
import type { Assessment, TimeWindow } from './types';

/** An HTTP answer as the Grafana client hands it over: the status and the parsed JSON body. */
export interface GrafanaAnswer {
  readonly status: number;
  readonly body: unknown;
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

/**
 * `grafana-datasource`: the datasource users query exists, is a Loki datasource, and Grafana's
 * health check of it answers OK. Shapes: `GET /api/datasources/uid/:uid` answers the datasource
 * (`{"uid","name","type":"loki","url",...}`) or 404 `{"message":"Data source not found"}`;
 * `GET /api/datasources/uid/:uid/health` answers 200 `{"status":"OK","message":"..."}` or, when the
 * plugin's check fails, 400 with `{"status":"ERROR","message":"..."}` (grafana/grafana
 * docs/sources/developers/http_api/data_source.md; pkg/api/plugins.go CheckHealth).
 *
 * A missing datasource, another type, or a token Grafana refuses are failed at once (waiting does
 * not fix configuration); a health check that is not OK yet is pending: the Loki behind it may have
 * come up seconds ago, and the step's deadline fails it.
 */
export function assessGrafanaDatasource(input: {
  readonly uid: string;
  readonly grafanaUrl: string;
  readonly datasource: GrafanaAnswer;
  /** Absent when the datasource lookup already decided. */
  readonly health?: GrafanaAnswer;
}): Assessment {
  const { uid, datasource, health } = input;
  const query = `GET /api/datasources/uid/${uid} and /api/datasources/uid/${uid}/health`;
  const threshold = 'the datasource exists, has type "loki", and its health check answers status OK';
  const base = { name: 'grafana-datasource', evidence: { query, threshold } } as const;
  const values = {
    grafanaUrl: input.grafanaUrl,
    datasourceStatus: datasource.status,
    type: field(datasource.body, 'type'),
    datasourceName: field(datasource.body, 'name'),
    ...(health ? { healthStatus: health.status, health: health.body } : {}),
  };
  if (datasource.status === 401 || datasource.status === 403)
    return {
      ...base,
      verdict: 'failed',
      message: `Grafana refused the service-account token (HTTP ${datasource.status}: ${text(field(datasource.body, 'message'))}); expected a token with datasources:read and datasources:query`,
      evidence: { ...base.evidence, values },
    };
  if (datasource.status === 404)
    return {
      ...base,
      verdict: 'failed',
      message: `Grafana has no datasource with UID "${uid}" (HTTP 404): expected the Loki datasource users query (grafana.datasourceUid)`,
      evidence: { ...base.evidence, values },
    };
  if (datasource.status !== 200)
    return {
      ...base,
      verdict: 'error',
      message: `Grafana answered GET /api/datasources/uid/${uid} with HTTP ${datasource.status}`,
      evidence: { ...base.evidence, values },
    };
  if (field(datasource.body, 'type') !== 'loki')
    return {
      ...base,
      verdict: 'failed',
      message: `datasource "${uid}" has type ${text(field(datasource.body, 'type'))}, expected "loki"`,
      evidence: { ...base.evidence, values },
    };
  if (!health)
    return {
      ...base,
      verdict: 'error',
      message: `datasource "${uid}" found; its health was not read`,
      evidence: { ...base.evidence, values },
    };
  const status = field(health.body, 'status');
  if (health.status === 200 && status === 'OK')
    return {
      ...base,
      verdict: 'passed',
      message: `Loki datasource "${text(field(datasource.body, 'name'))}" (${uid}) healthy: ${text(field(health.body, 'message'))}`,
      evidence: { ...base.evidence, values },
    };
  return {
    ...base,
    verdict: 'pending',
    message: `Loki datasource "${uid}" health check not OK (HTTP ${health.status}, status ${text(status)}): ${text(field(health.body, 'message'))}`,
    evidence: { ...base.evidence, values },
  };
}

/** What the Loki step pushed, as the canary read back through Grafana must return it. */
export interface GrafanaCanaryInput {
  readonly query: string;
  readonly datasourceUid: string;
  readonly refId: string;
  readonly window: TimeWindow;
  readonly pushed: {
    readonly line: string;
    readonly timestampNs: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly answer: GrafanaAnswer;
}

/**
 * `grafana-canary`: the Loki step's canary line comes back through Grafana's query API, through
 * the datasource users query: the same line with the pushed timestamp, in a stream carrying the
 * pushed labels (Grafana may add structured metadata and detected labels, so more labels are
 * allowed). An answer without it is pending (the step's deadline fails it); an error the
 * datasource reports for the query is `error` (retried, then failed).
 */
export function assessGrafanaCanary(input: GrafanaCanaryInput): Assessment {
  const evidence = {
    query: `POST /api/ds/query (datasource ${input.datasourceUid}, refId ${input.refId}): ${input.query}`,
    window: isoWindow(input.window),
    threshold: 'the pushed line, with the pushed timestamp and labels, in the answer for the refId',
  };
  const answer = readQueryAnswer(input.answer.body, input.refId);
  if ('problem' in answer || input.answer.status !== 200 || answer.error !== undefined) {
    const why = 'problem' in answer ? answer.problem : (answer.error ?? `HTTP ${input.answer.status}`);
    return {
      name: 'grafana-canary',
      verdict: 'error',
      message: `Grafana could not run the canary query (HTTP ${input.answer.status}): ${why}`,
      evidence: { ...evidence, values: { status: input.answer.status, error: why } },
    };
  }
  const lines = answer.frames.flatMap(logLinesOf);
  const found = lines.some(
    (l) =>
      l.line === input.pushed.line &&
      l.timestampNs === input.pushed.timestampNs &&
      Object.entries(input.pushed.labels).every(([k, v]) => l.labels[k] === v),
  );
  return {
    name: 'grafana-canary',
    verdict: found ? 'passed' : 'pending',
    message: found
      ? 'canary line read back through Grafana: same line, timestamp and labels as pushed'
      : lines.length > 0
        ? `Grafana returned ${lines.length} line(s), none of them the pushed canary yet`
        : 'Grafana returned no log lines for the canary query yet',
    evidence: {
      ...evidence,
      values: {
        frames: answer.frames.length,
        linesReturned: lines.length,
        pushed: input.pushed,
        returned: lines.slice(0, 5).map((l) => ({ line: l.line.slice(0, 200), timestampNs: l.timestampNs })),
      },
    },
  };
}
