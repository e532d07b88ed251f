import * as z from 'zod';
import { InputInvalidError } from '../errors';
import { jsonBaselineSchema, type JsonBaseline } from './json-share';
import { metricBaselineReadingSchema, type MetricBaselineReading } from './metric-baseline';

/**
 * What the Register step measured of one service before changing it, returned at
 * `$.register.baseline` and read by Verify: each part is measured by its own module
 * (lambdas/measure/baseline.ts, lambdas/measure/json-baseline.ts) and judged by its own check. A part that is absent was not
 * measured (a re-run on a service that already runs Alloy has nothing under ADOT to measure).
 */
export interface ServiceBaseline {
  readonly metrics?: MetricBaselineReading;
  /** The share of lines that are not JSON in CloudWatch (lambdas/measure/json-baseline.ts), for the logs check. */
  readonly logs?: JsonBaseline;
}

/**
 * The metric baseline in Register's result (`$.register`), or undefined when it holds none. A
 * baseline of the wrong shape is refused with what was expected: judging against half a baseline
 * would pass names it lost.
 */
export function metricBaselineOf(register: unknown): MetricBaselineReading | undefined {
  if (register === undefined || register === null) return undefined;
  const parsed = z.looseObject({ baseline: serviceBaselineSchema.optional() }).safeParse(register);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputInvalidError(
      `$.register.baseline is not a baseline: ${issue?.message ?? 'invalid'} at ${['register', ...(issue?.path ?? [])].join('.')}; expected { metrics: { names, labelKeySets, cadence, ... } | { unreadable } }`,
    );
  }
  return parsed.data.baseline?.metrics;
}

export const serviceBaselineSchema = z.looseObject({
  metrics: metricBaselineReadingSchema.optional(),
  logs: jsonBaselineSchema.optional(),
});
