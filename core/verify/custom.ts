import type { CustomCheck } from '../plan/schema';
import { latestSamples, type QueryData } from '../queries/results';
import { isoWindow } from './evidence';
import { sampleFaults } from './samples';
import type { Assessment, TimeWindow } from './types';

export type CustomCheckSpec = Pick<CustomCheck, 'name' | 'language' | 'query' | 'op' | 'threshold'> &
  Partial<Pick<CustomCheck, 'whenEmpty'>>;

/** The single number a plan check measured; `{ error }` when the query came back with an error body. */
export type CustomValue = number | null | undefined | { readonly error: string };

const COMPARE: Record<CustomCheckSpec['op'], (value: number, threshold: number) => boolean> = {
  '>': (v, t) => v > t,
  '>=': (v, t) => v >= t,
  '<': (v, t) => v < t,
  '<=': (v, t) => v <= t,
  '==': (v, t) => v === t,
  '!=': (v, t) => v !== t,
};

/**
 * Compares the plan check's value with its threshold. No value (an empty result) is `pending`:
 * a check never passes on nothing, even `< 100`. NaN or an infinity (e.g. a ratio of 0/0 with no
 * traffic yet) is an `error`: NaN compares false with everything, so `!= 0` would pass on it, and
 * an infinity is no measurement either. Messages leave out the check's name: every place that
 * shows one (report row, step message) names the check already.
 */
export function assessCustom(check: CustomCheckSpec, value: CustomValue, window?: TimeWindow): Assessment {
  const evidence = {
    query: check.query,
    language: check.language,
    ...(window ? { window: isoWindow(window) } : {}),
    threshold: `${check.op} ${check.threshold}`,
  };
  if (typeof value === 'object' && value !== null) {
    return {
      name: check.name,
      verdict: 'error',
      message: `could not measure: ${value.error}`,
      evidence: { ...evidence, values: null, error: value.error },
    };
  }
  const empty = value === null || value === undefined;
  if (empty && check.whenEmpty !== undefined) {
    const taken = check.whenEmpty;
    const ok = COMPARE[check.op](taken, check.threshold);
    return {
      name: check.name,
      verdict: ok ? 'passed' : 'failed',
      message: `no series, taken as ${taken} (whenEmpty), ${ok ? 'is' : 'is not'} ${check.op} ${check.threshold}`,
      evidence: { ...evidence, values: null, emptyResultTakenAs: taken },
    };
  }
  if (empty) {
    return {
      name: check.name,
      verdict: 'pending',
      message: 'the query returned no value yet',
      evidence: { ...evidence, values: null },
    };
  }
  if (!Number.isFinite(value)) {
    return {
      name: check.name,
      verdict: 'error',
      message: `the query \`${check.query}\` answered ${String(value)}, not a number to compare with ${check.threshold}`,
      evidence: { ...evidence, values: String(value) },
    };
  }
  const ok = COMPARE[check.op](value, check.threshold);
  return {
    name: check.name,
    verdict: ok ? 'passed' : 'failed',
    message: `${value} ${ok ? 'is' : 'is not'} ${check.op} ${check.threshold}`,
    evidence: { ...evidence, values: value },
  };
}

/**
 * The single number a plan check's instant query gave at `requestedAtMs`: its only sample.
 * Nothing is no value (pending); several series are refused, because comparing one of them at
 * random with the threshold would prove nothing: the query should aggregate (sum, max...). A
 * sample stamped away from the requested time is refused too: it describes another moment.
 */
export function singleValue(data: QueryData, requestedAtMs: number): CustomValue {
  if (data.resultType === 'streams')
    return {
      error: 'the query returned log lines, not a number: wrap it in a metric query such as count_over_time',
    };
  if (data.resultType === 'string') return { error: 'the query returned a string, not a number' };
  const samples = latestSamples(data);
  if (samples.length === 0) return undefined;
  if (samples.length > 1)
    return {
      error: `the query returned ${samples.length} series, expected one number: aggregate it (sum, max, ...)`,
    };
  const stale = sampleFaults(samples, requestedAtMs).stale;
  if (stale.length > 0)
    return {
      error: `the answer is stamped ${stale[0]!.timestamp}, not at the requested ${new Date(requestedAtMs).toISOString()}: a stale answer is no evidence`,
    };
  return samples[0]!.value;
}
