import type { CustomCheck } from '../plan/schema';
import { latestSamples, type QueryData } from '../queries/results';
import { isoWindow } from './evidence';
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
 * a check never passes on nothing, even `< 100`. NaN (e.g. a ratio of 0/0 with no traffic yet)
 * is no value either.
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
      message: `could not measure ${check.name}: ${value.error}`,
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
      message: `${check.name}: no series, taken as ${taken} (whenEmpty), ${ok ? 'is' : 'is not'} ${check.op} ${check.threshold}`,
      evidence: { ...evidence, values: null, emptyResultTakenAs: taken },
    };
  }
  if (empty || Number.isNaN(value)) {
    return {
      name: check.name,
      verdict: 'pending',
      message: `${check.name}: the query returned no value yet`,
      evidence: { ...evidence, values: null },
    };
  }
  const ok = COMPARE[check.op](value, check.threshold);
  return {
    name: check.name,
    verdict: ok ? 'passed' : 'failed',
    message: `${check.name}: ${value} ${ok ? 'is' : 'is not'} ${check.op} ${check.threshold}`,
    evidence: { ...evidence, values: value },
  };
}

/**
 * The single number a plan check's query gave: its only sample (the newest point for a range
 * query). Nothing is no value (pending); several series are refused, because comparing one of
 * them at random with the threshold would prove nothing: the query should aggregate (sum, max...).
 */
export function singleValue(data: QueryData): CustomValue {
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
  return samples[0]!.value;
}
