import * as z from 'zod';
import { metricBaselineReadingSchema, type MetricBaselineReading } from './metric-baseline';

/**
 * What the Register step measured of one service before changing it, returned at
 * `$.register.baseline` and read by Verify: each part is measured by its own module
 * (lambdas/measure/baseline.ts) and judged by its own check. A part that is absent was not
 * measured (a re-run on a service that already runs Alloy has nothing under ADOT to measure).
 */
export interface ServiceBaseline {
  readonly metrics?: MetricBaselineReading;
}

export const serviceBaselineSchema = z.looseObject({
  metrics: metricBaselineReadingSchema.optional(),
});
