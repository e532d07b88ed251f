import type { MetricSample } from '../queries/results';
import { seriesCountOf } from './metrics';
import { sampleFaults } from './samples';
import type { Measurement } from './types';

/**
 * How often preflight tries to read a service's series baseline, and how long it waits between
 * tries: an AMP query that fails once (a restarting querier, a throttled workspace) usually
 * answers a few seconds later, and one that still fails after that is not going to answer within
 * the run, so the run is refused before anything changes.
 */
export const BASELINE_READ_DELAYS_MS = [1_000, 3_000] as const;
export const BASELINE_READ_ATTEMPTS = BASELINE_READ_DELAYS_MS.length + 1;

/** What preflight learnt of a service's series count: a count (0 = no series), or why it could not. */
export type BaselineReading = { readonly count: number } | { readonly unreadable: string };

/**
 * One read of the baseline. An empty answer is a measurement: the service exports no series (0).
 * An error body, a non-finite count or samples stamped away from the requested time are not: the
 * baseline is unreadable, never silently "none", because a missing baseline would later let a
 * service that lost most of its series pass.
 */
export function baselineReading(
  measurement: Measurement<readonly MetricSample[]>,
  requestedAtMs: number,
): BaselineReading {
  if (!('data' in measurement)) return { unreadable: measurement.error };
  const faults = sampleFaults(measurement.data, requestedAtMs);
  if (faults.nonFinite.length > 0)
    return { unreadable: `answered ${faults.nonFinite.map((s) => s.value).join(', ')}, not a count` };
  if (faults.stale.length > 0)
    return {
      unreadable: `answered with samples stamped ${faults.stale[0]!.timestamp}, not at the requested ${new Date(requestedAtMs).toISOString()}`,
    };
  return { count: seriesCountOf(measurement.data) ?? 0 };
}

export interface BaselineRead {
  readonly reading: BaselineReading;
  readonly attempts: number;
}

/**
 * Reads every service's baseline, then again for those still unreadable, after each delay of
 * BASELINE_READ_DELAYS_MS, all services of one round together (one wait per round, not per
 * service). `read` measures one service once (any reading with `unreadable` is read again); `sleep` waits.
 */
export async function readBaselines<R extends object = BaselineReading>(
  services: readonly string[],
  read: (service: string) => Promise<R>,
  sleep: (ms: number) => Promise<void>,
): Promise<Map<string, { readonly reading: R; readonly attempts: number }>> {
  const out = new Map<string, { readonly reading: R; readonly attempts: number }>();
  let pending = [...services];
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const readings = await Promise.all(pending.map(async (s) => [s, await read(s)] as const));
    for (const [service, reading] of readings) out.set(service, { reading, attempts: attempt });
    pending = readings.filter(([, r]) => 'unreadable' in r).map(([s]) => s);
    const delay = BASELINE_READ_DELAYS_MS[attempt - 1];
    if (pending.length === 0 || delay === undefined) break;
    await sleep(delay);
  }
  return out;
}

/** Why a baseline that could not be read refuses the run, naming the query and the way out. */
export function unreadableBaselineProblem(query: string, attempts: number, why: string): string {
  return `could not read the series baseline \`${query}\` in ${attempts} attempt(s): ${why}; without it series continuity cannot be judged (set verification.metrics.requireBaseline: false to go on without it)`;
}
