import { expandCheckQuery } from '../../core/plan/check-query';
import type { Plan } from '../../core/plan/schema';
import { latestSamples, seriesCountForService, upByTask } from '../../core/queries';
import {
  assessCustom,
  assessMetrics,
  singleValue,
  type Assessment,
  type CustomValue,
} from '../../core/verify';
import type { TaskStarts } from '../../core/verify/task-clock';
import type { MetricBaselineReading } from '../../core/verify/metric-baseline';
import { taskIdOf } from '../../core/verify';
import { lokiClientFor } from '../adapters/loki-client';
import { measureNamesAndCadence, type MetricNamesAndCadence } from './baseline';
import { ampClientFor, measure } from '../adapters/observability';

/**
 * The new tasks' series and raw `up` samples, when there is a baseline to compare them with;
 * otherwise nothing is asked and the check says why (core/verify/metric-continuity).
 */
async function continuityMeasurements(
  plan: Plan,
  service: string,
  baseline: MetricBaselineReading | undefined,
  taskArns: readonly string[],
  atMs: number,
): Promise<MetricNamesAndCadence> {
  if (baseline === undefined || 'unreadable' in baseline || taskArns.length === 0) {
    const none = { query: 'not asked: no metric baseline or no new task to compare', data: [] };
    return { series: none, up: none };
  }
  const { metrics } = plan.verification;
  return measureNamesAndCadence({
    plan,
    service,
    atMs,
    windowMs: metrics.baselineWindow,
    cadenceWindowMs: metrics.cadenceWindow,
    taskIds: [...new Set(taskArns.map(taskIdOf))],
  });
}

/**
 * `up` for every new task, the series count against the preflight baseline, and the names, label
 * keys and scrape cadence against Register's baseline, in AMP, at `atMs`.
 */
export async function measureMetrics(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly taskArns: readonly string[];
  readonly taskStarts: TaskStarts;
  readonly baselineSeriesCount: number | null | undefined;
  /** `$.register.baseline.metrics`. */
  readonly baseline: MetricBaselineReading | undefined;
  readonly atMs: number;
  /**
   * Why no baseline applies (a `verify` run): continuity is neither measured nor judged, only
   * `up` per task and the service's series count (core/verify/metrics `noBaseline`).
   */
  readonly noBaseline?: string;
}): Promise<Assessment> {
  const { plan, atMs } = input;
  const amp = ampClientFor(plan);
  const upQuery = upByTask(input.service);
  const seriesQuery = seriesCountForService(input.service);
  const [up, seriesCount, continuity] = await Promise.all([
    measure(upQuery, async () => latestSamples(await amp.query(upQuery, atMs))),
    measure(seriesQuery, async () => latestSamples(await amp.query(seriesQuery, atMs))),
    input.noBaseline === undefined
      ? continuityMeasurements(plan, input.service, input.baseline, input.taskArns, atMs)
      : undefined,
  ]);
  const { metrics } = plan.verification;
  // A verify run judges up and the series count only; a migration also judges continuity.
  const judged =
    input.noBaseline !== undefined || continuity === undefined
      ? { noBaseline: input.noBaseline ?? 'no baseline applies' }
      : {
          baselineSeriesCount: input.baselineSeriesCount,
          requireBaseline: metrics.requireBaseline,
          continuity: {
            baseline: input.baseline,
            series: continuity.series,
            up: continuity.up,
            mayDisappear: metrics.mayDisappear,
            maxCadenceDeviation: metrics.maxCadenceDeviation,
            cadenceWindowMs: metrics.cadenceWindow,
          },
        };
  return assessMetrics({
    name: 'metrics',
    service: input.service,
    evaluatedAtMs: atMs,
    expectedTaskIds: input.taskArns,
    up,
    seriesCount,
    minSeriesRatio: metrics.minSeriesRatio,
    taskStarts: input.taskStarts,
    ...judged,
  });
}

/** The plan's own checks, each one number at `atMs` compared with its threshold. */
export async function measurePlanChecks(
  plan: Plan,
  serviceName: string,
  atMs: number,
): Promise<Assessment[]> {
  if (plan.verification.checks.length === 0) return [];
  const amp = ampClientFor(plan);
  const loki = plan.verification.checks.some((c) => c.language === 'logql')
    ? await lokiClientFor(plan)
    : undefined;
  return Promise.all(
    plan.verification.checks.map(async (planned) => {
      const check = { ...planned, query: expandCheckQuery(planned.query, serviceName) };
      const run = () =>
        check.language === 'logql' && loki ? loki.query(check.query, atMs) : amp.query(check.query, atMs);
      const measured = await measure(check.query, run);
      const value: CustomValue =
        'data' in measured ? singleValue(measured.data, atMs) : { error: measured.error };
      return assessCustom(check, value, { startMs: atMs, endMs: atMs });
    }),
  );
}
