import {
  dashboardVariables,
  selectedServices,
  substituteVariables,
  type SelectableService,
} from '../queries/selects';
import { capList } from './evidence';
import { answerRows, readQueryAnswer } from './grafana-frames';
import type { GrafanaAnswer } from './grafana';
import type { Assessment } from './types';

/** A panel query to run: which dashboard and panel it belongs to, and the services it selects. */
export interface PanelQuery {
  readonly dashboardUid: string;
  readonly dashboardTitle: string;
  readonly panelId: number | null;
  readonly panelTitle: string;
  readonly refId: string;
  /** The expression as sent: dashboard variables replaced by their saved values. */
  readonly expr: string;
  readonly datasource: { readonly uid: string; readonly type?: string };
  readonly services: readonly string[];
}

/** A query that selects a migrated service but cannot be run outside the dashboard, and why. */
export interface UncheckedQuery {
  readonly dashboardUid: string;
  readonly panelId: number | null;
  readonly panelTitle: string;
  readonly refId: string;
  readonly reason: string;
}

export interface DatasourceDefaults {
  /** The plan's Loki datasource (grafana.datasourceUid). */
  readonly loki: string;
  /** The plan's Prometheus datasource, also Grafana's default for panels naming none. */
  readonly prometheus?: string | undefined;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Every panel, rows' nested panels included (collapsed rows keep theirs in `panels`; schema < 16 in `rows`). */
function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  const visit = (list: unknown) => {
    for (const p of Array.isArray(list) ? list : []) {
      const panel = obj(p);
      if (!panel) continue;
      out.push(panel);
      visit(panel['panels']);
    }
  };
  visit(dashboard['panels']);
  for (const row of Array.isArray(dashboard['rows']) ? dashboard['rows'] : []) visit(obj(row)?.['panels']);
  return out;
}

/** Saved values of the dashboard's variables: a multi-value as a regex alternation, All as `.*`. */
function savedVariables(dashboard: Json): Record<string, string> {
  const values: Record<string, string> = {};
  const list = obj(dashboard['templating'])?.['list'];
  for (const v of Array.isArray(list) ? list : []) {
    const variable = obj(v);
    const name = str(variable?.['name']);
    const current = obj(variable?.['current'])?.['value'];
    if (!name) continue;
    const items = Array.isArray(current) ? current.filter((x): x is string => typeof x === 'string') : [];
    const single = str(current);
    if (single === '$__all' || items.includes('$__all')) values[name] = '.*';
    else if (single !== undefined) values[name] = single;
    else if (items.length > 0) values[name] = items.join('|');
  }
  return values;
}

const isVariable = (text: string) => /^\$|^\[\[/.test(text);

/**
 * Which datasource a target is queried through: its own, else its panel's (a `-- Mixed --` panel
 * leaves it to each target). A reference by variable, `-- Default --` or none at all resolves by
 * type to the plan's datasource of that type (untyped: the Prometheus one, Grafana's usual
 * default); a legacy reference by name cannot be turned into the UID the query API needs.
 */
function resolveDatasource(
  target: Json,
  panel: Json,
  defaults: DatasourceDefaults,
): { uid: string; type?: string } | { reason: string } {
  const panelDs = panel['datasource'];
  const panelUid = str(obj(panelDs)?.['uid']);
  const ref = target['datasource'] ?? (panelUid === '-- Mixed --' ? undefined : panelDs);
  const ds = obj(ref);
  const type = str(ds?.['type']);
  const uid = ds ? str(ds['uid']) : str(ref);
  if (uid && !isVariable(uid) && uid !== '-- Default --' && uid !== '-- Mixed --')
    return ds
      ? { uid, ...(type ? { type } : {}) }
      : { reason: `datasource named "${uid}" (by name, not UID)` };
  const byType = type === 'loki' ? defaults.loki : defaults.prometheus;
  if (byType) return { uid: byType, type: type ?? 'prometheus' };
  return {
    reason: `datasource ${JSON.stringify(ref ?? null)} resolves to no UID: set grafana.prometheusDatasourceUid`,
  };
}

/**
 * The queries of one dashboard (the body of `GET /api/dashboards/uid/:uid`, `{"dashboard": {...},
 * "meta": {...}}`: grafana/grafana docs/sources/developers/http_api/dashboard.md) that select a
 * migrated service (core/queries/selects.ts), with their panel and datasource. Hidden targets and
 * targets without an `expr` (other datasources' query models) are not panel queries of Loki or
 * Prometheus and are left out. A selecting query that cannot run outside the dashboard (a
 * variable without a saved value, a datasource by name) is listed as unchecked with the reason.
 */
export function dashboardQueries(input: {
  readonly uid: string;
  readonly body: unknown;
  readonly services: readonly SelectableService[];
  readonly defaults: DatasourceDefaults;
}): { readonly title: string; readonly queries: PanelQuery[]; readonly unchecked: UncheckedQuery[] } {
  const dashboard = obj(obj(input.body)?.['dashboard']) ?? {};
  const title = str(dashboard['title']) ?? input.uid;
  const variables = savedVariables(dashboard);
  const queries: PanelQuery[] = [];
  const unchecked: UncheckedQuery[] = [];
  for (const panel of allPanels(dashboard)) {
    const panelId = typeof panel['id'] === 'number' ? panel['id'] : null;
    const panelTitle = str(panel['title']) ?? '';
    for (const t of Array.isArray(panel['targets']) ? panel['targets'] : []) {
      const target = obj(t);
      const raw = str(target?.['expr']);
      if (!target || !raw || target['hide'] === true) continue;
      const refId = str(target['refId']) ?? 'A';
      const expr = substituteVariables(raw, variables);
      const services = selectedServices(expr, input.services);
      if (services.length === 0) continue;
      const where = { dashboardUid: input.uid, panelId, panelTitle, refId };
      const left = dashboardVariables(expr);
      if (left.length > 0) {
        unchecked.push({
          ...where,
          reason: `dashboard variable(s) ${left.map((v) => `$${v}`).join(', ')} have no saved value`,
        });
        continue;
      }
      const datasource = resolveDatasource(target, panel, input.defaults);
      if ('reason' in datasource) {
        unchecked.push({ ...where, reason: datasource.reason });
        continue;
      }
      queries.push({ ...where, dashboardTitle: title, expr, datasource, services });
    }
  }
  return { title, queries, unchecked };
}

/** One run query and what Grafana answered. */
export interface PanelResult {
  readonly query: PanelQuery;
  readonly answer: GrafanaAnswer;
  /** The range asked for, ISO. */
  readonly window: { readonly start: string; readonly end: string };
}

export interface DashboardsAssessment extends Assessment {
  /** Services selected by a query that returned no data: what a failure names for rollback. */
  readonly failingServices: readonly string[];
}

/**
 * `grafana-dashboards`: every selecting panel query of every listed dashboard returned data
 * (frames with at least one value) over its window. A dashboard Grafana does not have, or a list
 * of dashboards with no query selecting a migrated service, fails: a check never passes on
 * nothing. A query without data is pending (the step's deadline fails it), naming dashboard, panel
 * and query; an error a datasource reports for a query counts as no data, with its message.
 */
export function assessDashboards(input: {
  readonly missing: readonly { readonly uid: string; readonly status: number }[];
  readonly results: readonly PanelResult[];
  readonly unchecked: readonly UncheckedQuery[];
  readonly services: readonly string[];
}): DashboardsAssessment {
  const judged = input.results.map((r) => {
    const answer = readQueryAnswer(r.answer.body, r.query.refId);
    const problem =
      'problem' in answer
        ? answer.problem
        : (answer.error ?? (r.answer.status !== 200 ? `HTTP ${r.answer.status}` : undefined));
    const rows = 'problem' in answer ? 0 : answerRows(answer);
    return {
      dashboard: r.query.dashboardUid,
      panel: `${r.query.panelTitle || '(untitled)'}${r.query.panelId !== null ? ` (id ${r.query.panelId})` : ''}`,
      refId: r.query.refId,
      datasource: r.query.datasource.uid,
      query: r.query.expr,
      services: r.query.services,
      window: r.window,
      rows,
      ...(problem ? { error: problem } : {}),
      ok: rows > 0 && !problem,
    };
  });
  const empty = judged.filter((j) => !j.ok);
  const failingServices = [...new Set(empty.flatMap((j) => j.services))];
  // Dashboards may have different windows: the evidence spans them all (each query keeps its own).
  const starts = input.results.map((r) => r.window.start).sort();
  const ends = input.results.map((r) => r.window.end).sort();
  const evidence = {
    query: `POST /api/ds/query per panel query selecting ${input.services.join(', ') || '(no service)'}`,
    ...(starts.length > 0 ? { window: { start: starts[0]!, end: ends[ends.length - 1]! } } : {}),
    values: {
      queries: capList(judged.map(({ ok: _ok, ...rest }) => rest)).items,
      withoutData: capList(empty.map((e) => `${e.dashboard} / ${e.panel} / ${e.refId}: ${e.query}`)).items,
      unchecked: capList(input.unchecked).items,
      missingDashboards: input.missing,
      failingServices,
    },
    threshold:
      'every panel query selecting a migrated service returns data (non-empty frames) over its window',
  };
  const base = { name: 'grafana-dashboards', evidence, failingServices };
  if (input.missing.length > 0)
    return {
      ...base,
      verdict: 'failed',
      message: `Grafana has no dashboard ${input.missing.map((m) => `"${m.uid}" (HTTP ${m.status})`).join(', ')}: expected the UIDs of grafana.dashboards`,
      failingServices: [],
    };
  if (judged.length === 0)
    return {
      ...base,
      verdict: 'failed',
      message: `no panel query of the listed dashboards selects a migrated service (${input.services.join(', ')}) by service_name or job${input.unchecked.length > 0 ? `; ${input.unchecked.length} could not be run outside the dashboard` : ''}`,
    };
  if (empty.length === 0)
    return {
      ...base,
      verdict: 'passed',
      message: `${judged.length} panel quer${judged.length === 1 ? 'y' : 'ies'} selecting ${input.services.join(', ')} returned data${input.unchecked.length > 0 ? ` (${input.unchecked.length} not runnable outside the dashboard, listed)` : ''}`,
    };
  const first = empty[0]!;
  return {
    ...base,
    verdict: 'pending',
    message: `${empty.length} of ${judged.length} panel queries returned no data, e.g. dashboard ${first.dashboard}, panel ${first.panel}, ${first.refId}: ${first.query}${first.error ? ` (${first.error})` : ''}`,
  };
}
