import { RolloutError, ThrottledError, TransientError } from '../../core/errors';
import { ampBaseUrl } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import type { Measurement } from '../../core/verify';
import { createAmpClient, type AmpClient } from '../clients/amp';

export function ampClientFor(plan: Plan): AmpClient {
  return createAmpClient({ baseUrl: ampBaseUrl(plan), region: plan.region });
}

/**
 * Runs one query as a measurement. Throttling and transient faults are thrown, for the state's
 * Retry; anything else (a refused query, an error body) becomes the measurement's error, which
 * the assessor turns into an `error` verdict, polled until the deadline.
 */
export async function measure<T>(query: string, run: () => Promise<T>): Promise<Measurement<T>> {
  try {
    return { query, data: await run() };
  } catch (err) {
    if (err instanceof ThrottledError || err instanceof TransientError) throw err;
    if (err instanceof RolloutError) return { query, error: err.message };
    throw err;
  }
}
