import * as z from 'zod';
import type { Progress } from '../core/execution';
import {
  evaluationTime,
  nextPollSeconds,
  nextWindow,
  pollWindowSchema,
  settleStep,
  timingFromPlan,
  type PollWindow,
  type StepVerdict,
} from '../core/orchestration';
import type { Plan } from '../core/plan/schema';
import type { CheckResult, FailureCause } from '../core/report/types';
import {
  assessDashboards,
  dashboardQueries,
  type PanelQuery,
  type PanelResult,
  type UncheckedQuery,
} from '../core/verify/grafana-dashboards';
import { grafanaPlanOf } from './adapters/grafana-client';
import type { GrafanaClient } from './clients/grafana';
import { causeFields, checkProgress, servicePlanOf } from './shared';

/** What the dashboards step keeps at `$.grafanaDashboards` between polls. */
export const dashboardsStateSchema = z.looseObject({ window: pollWindowSchema });

export interface GrafanaDashboardsResult {
  readonly verdict: StepVerdict;
  readonly window: PollWindow;
  /** The settled check (also once pending, so a poll's evidence shows). */
  readonly check: CheckResult;
  /** Services selected by a query without data: SelectRollback's targets under scope `service`. */
  readonly failingServices: string[];
  readonly cause?: FailureCause;
  readonly causeText?: string;
  readonly progress: Progress;
  readonly waitSeconds: number;
}

// Enough points for a panel's range, few enough to keep Grafana's answers small.
const MAX_DATA_POINTS = 100;

/**
 * One poll of `grafana-dashboards` for `services` (the services to judge as migrated, given by the
 * state: a migration's work list, or a read-only mode's list): each listed dashboard is read,
 * its panel queries selecting one of them run through their datasource over the dashboard's
 * window ending now (the deadline at the latest), and the answers judged. Pending until every
 * query has data or `grafana.deadline` has passed.
 */
export async function pollGrafanaDashboards(input: {
  readonly plan: Plan;
  readonly services: readonly string[];
  readonly prior: z.infer<typeof dashboardsStateSchema> | undefined;
  readonly client: GrafanaClient;
  readonly now: () => number;
}): Promise<GrafanaDashboardsResult> {
  const { plan, client, now } = input;
  const grafana = grafanaPlanOf(plan);
  const window = nextWindow(input.prior?.window, now(), grafana.deadline);
  const atMs = evaluationTime(window, now());
  const selectable = input.services.map((name) => {
    const svc = servicePlanOf(plan, name);
    return { name, job: svc.jobName ?? svc.name };
  });
  const missing: { uid: string; status: number }[] = [];
  const unchecked: UncheckedQuery[] = [];
  const results: PanelResult[] = [];
  for (const d of grafana.dashboards) {
    const read = await client.dashboard(d.uid);
    if (read.status !== 200) {
      missing.push({ uid: d.uid, status: read.status });
      continue;
    }
    const found = dashboardQueries({
      uid: d.uid,
      body: read.body,
      services: selectable,
      defaults: { loki: grafana.datasourceUid, prometheus: grafana.prometheusDatasourceUid },
    });
    unchecked.push(...found.unchecked);
    const range = { fromMs: atMs - d.window, toMs: atMs };
    for (const q of found.queries) results.push(await runPanelQuery(client, q, range));
  }
  const assessment = assessDashboards({ missing, results, unchecked, services: input.services });
  const { verdict, check } = settleStep(assessment, window, atMs);
  const base = {
    verdict,
    window,
    check,
    failingServices: [...assessment.failingServices],
    waitSeconds: nextPollSeconds(window, now(), timingFromPlan(plan).pollSeconds),
    progress: checkProgress(verdict, check),
  };
  if (verdict !== 'failed') return base;
  return { ...base, ...causeFields(undefined, check) };
}

async function runPanelQuery(
  client: GrafanaClient,
  query: PanelQuery,
  range: { readonly fromMs: number; readonly toMs: number },
): Promise<PanelResult> {
  const intervalMs = Math.max(1000, Math.floor((range.toMs - range.fromMs) / MAX_DATA_POINTS));
  // Both query models at once: Loki reads queryType, Prometheus range/instant; each ignores the other's.
  const answer = await client.query(
    [
      {
        refId: query.refId,
        datasource: query.datasource,
        expr: query.expr,
        queryType: 'range',
        range: true,
        instant: false,
        maxLines: 10,
        intervalMs,
        maxDataPoints: MAX_DATA_POINTS,
      },
    ],
    range,
  );
  return {
    query,
    answer,
    window: { start: new Date(range.fromMs).toISOString(), end: new Date(range.toMs).toISOString() },
  };
}
