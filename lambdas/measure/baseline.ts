import { DependencyRejectedError } from '../../core/errors';
import type { Plan } from '../../core/plan/schema';
import { serviceSeriesSelector, upSamplesOverWindow } from '../../core/queries';
import type { Labels, MetricSeries, QueryData } from '../../core/queries/results';
import { readBaselines, type Measurement } from '../../core/verify';
import { metricBaselineFrom, type MetricBaselineReading } from '../../core/verify/metric-baseline';
import type { ServiceBaseline } from '../../core/verify/service-baseline';
import { ampClientFor, measure } from '../adapters/observability';

/** The series of a range answer; a range selector asked as an instant query answers with a matrix. */
export function matrixSeries(data: QueryData, query: string): readonly MetricSeries[] {
  if (data.resultType !== 'matrix')
    throw new DependencyRejectedError(
      `${query} answered with a ${data.resultType}, expected a matrix of raw samples`,
    );
  return data.series;
}

/** The measurements a metric baseline (or the check after the switch) is made of. */
export interface MetricNamesAndCadence {
  readonly series: Measurement<readonly Labels[]>;
  readonly up: Measurement<readonly MetricSeries[]>;
}

/**
 * The series the service's selector lists over [atMs - windowMs, atMs] (AMP's series API) and the
 * raw `up` samples of its targets over the same window; with taskIds, of those tasks only.
 */
export async function measureNamesAndCadence(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly atMs: number;
  readonly windowMs: number;
  readonly cadenceWindowMs: number;
  readonly taskIds?: readonly string[];
}): Promise<MetricNamesAndCadence> {
  const amp = ampClientFor(input.plan);
  const selector = serviceSeriesSelector(input.service, input.taskIds);
  const upQuery = upSamplesOverWindow(input.service, input.cadenceWindowMs, input.taskIds);
  const [series, up] = await Promise.all([
    measure(`series ${selector}`, () =>
      amp.series([selector], { start: input.atMs - input.windowMs, end: input.atMs }),
    ),
    measure(upQuery, async () => matrixSeries(await amp.query(upQuery, input.atMs), upQuery)),
  ]);
  return { series, up };
}

/**
 * One read of the service's metric baseline. An empty answer is a reading (the service exports
 * nothing under its service_name); an error body is not: the baseline is unreadable.
 */
async function readMetricBaseline(plan: Plan, service: string, atMs: number): Promise<MetricBaselineReading> {
  const windowMs = plan.verification.metrics.baselineWindow;
  const { series, up } = await measureNamesAndCadence({
    plan,
    service,
    atMs,
    windowMs,
    cadenceWindowMs: windowMs,
  });
  if ('error' in series) return { unreadable: `${series.query}: ${series.error}` };
  if ('error' in up) return { unreadable: `${up.query}: ${up.error}` };
  return metricBaselineFrom({
    series: series.data,
    up: up.data,
    mayDisappear: plan.verification.metrics.mayDisappear,
    windowMs,
    atMs,
  });
}

/**
 * The metric baseline of one service, read with preflight's retries (core/verify readBaselines).
 * Unreadable after them: with requireBaseline (the default) the step fails before anything
 * changed, naming the query and the way out; without, the reading says why, and the metrics check
 * notes that name and cadence continuity were not checked.
 */
export async function measureMetricBaseline(
  plan: Plan,
  service: string,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): Promise<MetricBaselineReading> {
  const reads = await readBaselines<MetricBaselineReading>(
    [service],
    (s) => readMetricBaseline(plan, s, now()),
    sleep,
  );
  const read = reads.get(service);
  const reading = read?.reading;
  if (reading && !('unreadable' in reading)) return reading;
  const why = reading?.unreadable ?? 'not read';
  if (plan.verification.metrics.requireBaseline)
    throw new DependencyRejectedError(
      `could not read the metric baseline of ${service} (names, label keys, cadence) in ${read?.attempts ?? 0} attempt(s): ${why}; without it metric continuity cannot be judged (set verification.metrics.requireBaseline: false to go on without it)`,
    );
  return { unreadable: why };
}

/** Everything the Register step measures of a service before it changes anything. */
export async function measureServiceBaseline(
  plan: Plan,
  service: string,
  clock: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> },
): Promise<ServiceBaseline> {
  return { metrics: await measureMetricBaseline(plan, service, clock.now, clock.sleep) };
}
