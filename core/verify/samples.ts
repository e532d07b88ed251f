import type { MetricSample } from '../queries/results';
import { capList } from './evidence';
import type { Findings } from './findings';
import type { Measurement } from './types';

/**
 * How far a sample's timestamp may lie from the time the query was evaluated at. Prometheus and
 * Loki stamp every sample of an instant query with exactly the requested time; the client sends
 * it with millisecond precision and reads it back as float seconds, so anything beyond rounding
 * means the answer came from elsewhere (a cache or proxy in front) and describes another moment.
 */
export const SAMPLE_TIME_TOLERANCE_MS = 1_000;

/** A sample that cannot be evidence, as shown in the evidence. */
export interface UnsoundSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: string;
  readonly timestamp: string;
}

export interface SampleFaults {
  /** Samples whose value is NaN or infinite where a count is required. */
  readonly nonFinite: UnsoundSample[];
  /** Samples stamped outside the tolerance around the requested time. */
  readonly stale: UnsoundSample[];
}

function shown(sample: MetricSample): UnsoundSample {
  return {
    labels: sample.labels,
    value: String(sample.value),
    timestamp: Number.isFinite(sample.timestampMs)
      ? new Date(sample.timestampMs).toISOString()
      : String(sample.timestampMs),
  };
}

/** The samples of one instant query that cannot be counted as evidence at `requestedAtMs`. */
export function sampleFaults(samples: readonly MetricSample[], requestedAtMs: number): SampleFaults {
  const nonFinite = samples.filter((s) => !Number.isFinite(s.value)).map(shown);
  const stale = samples
    .filter(
      (s) =>
        !Number.isFinite(s.timestampMs) || Math.abs(s.timestampMs - requestedAtMs) > SAMPLE_TIME_TOLERANCE_MS,
    )
    .map(shown);
  return { nonFinite, stale };
}

/**
 * Each instant-query measurement whose samples hold a non-finite value or a timestamp away from
 * the requested time is an `error` naming the query: such an answer proves nothing, and a number
 * compared with NaN is never "below", so letting it through would pass on no evidence. Returns
 * the offending samples by measurement, for the evidence (null when there were none).
 */
export function recordSampleFaults(
  findings: Findings,
  requestedAtMs: number,
  measurements: readonly (readonly [what: string, measurement: Measurement<readonly MetricSample[]>])[],
): Record<string, { nonFinite: UnsoundSample[]; stale: UnsoundSample[] }> | null {
  const requested = new Date(requestedAtMs).toISOString();
  const out: Record<string, { nonFinite: UnsoundSample[]; stale: UnsoundSample[] }> = {};
  for (const [what, measurement] of measurements) {
    if (!('data' in measurement)) continue;
    const faults = sampleFaults(measurement.data, requestedAtMs);
    if (faults.nonFinite.length > 0) {
      findings.add(
        'error',
        `${what} query \`${measurement.query}\` answered ${faults.nonFinite.map((s) => s.value).join(', ')} where a number is required`,
      );
    }
    if (faults.stale.length > 0) {
      const stamps = [...new Set(faults.stale.map((s) => s.timestamp))];
      findings.add(
        'error',
        `${what} query \`${measurement.query}\` answered with samples stamped ${capList(stamps).items.join(', ')}, not at the requested ${requested}: a stale answer is no evidence`,
      );
    }
    if (faults.nonFinite.length > 0 || faults.stale.length > 0)
      out[what] = { nonFinite: capList(faults.nonFinite).items, stale: capList(faults.stale).items };
  }
  return Object.keys(out).length > 0 ? out : null;
}
