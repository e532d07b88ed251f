import * as z from 'zod';
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

/** Register's result at `$.register.baseline`, as Verify reads it (each part checked, extra keys kept). */
export const serviceBaselineSchema = z.looseObject({
  metrics: metricBaselineReadingSchema.optional(),
  logs: jsonBaselineSchema.optional(),
});
