import * as z from 'zod';
import type { Labels, MetricPoint, MetricSeries } from '../queries/results';
import { globMatcher } from './metric-globs';

/**
 * At most this many metric names are kept per service (alphabetical order, after the plan's
 * mayDisappear names are left out): the baseline travels in the service's execution state with
 * every later step (256 KiB per state), and 300 names with shared label-key sets stay near 15 KiB.
 * Names past the cap are counted in `namesLeftOut` and are not checked after the switch.
 */
export const BASELINE_NAME_LIMIT = 300;
/** Label keys kept per name: a name with more keys is a cardinality problem, not a baseline. */
export const BASELINE_LABEL_KEY_LIMIT = 40;

/** Samples per minute of one target, with how many samples it was judged on. */
export interface TargetCadence {
  readonly samplesPerMinute: number;
  readonly samples: number;
}

/**
 * What the Register step read of a service's metrics in AMP before anything changed: each metric
 * name with its label keys, and how often its targets were scraped.
 */
export interface MetricBaseline {
  readonly measuredAt: string;
  readonly windowMs: number;
  /** Metric name -> index into labelKeySets (names share key sets, which keeps the state small). */
  readonly names: Readonly<Record<string, number>>;
  /** Sorted label keys, without `__name__`. */
  readonly labelKeySets: readonly (readonly string[])[];
  /** Distinct names AMP returned for the service, before the allowlist and the cap. */
  readonly namesSeen: number;
  /** Names left out because the plan's mayDisappear matches them. */
  readonly namesAllowlisted: number;
  /** Names left out by BASELINE_NAME_LIMIT. */
  readonly namesLeftOut: number;
  /**
   * The median of the targets' samples per minute (one `up` series per scrape target), or null
   * when no target had two samples in the window. One number: per-job cadences would grow the state.
   */
  readonly cadence: { readonly targets: number; readonly samplesPerMinute: number } | null;
}

export type MetricBaselineReading = MetricBaseline | { readonly unreadable: string };

export const metricBaselineSchema = z.object({
  measuredAt: z.string(),
  windowMs: z.number().positive(),
  names: z.record(z.string(), z.number().int().min(0)),
  labelKeySets: z.array(z.array(z.string())),
  namesSeen: z.number().int().min(0),
  namesAllowlisted: z.number().int().min(0),
  namesLeftOut: z.number().int().min(0),
  cadence: z.object({ targets: z.number().int().min(1), samplesPerMinute: z.number().positive() }).nullable(),
});

export const metricBaselineReadingSchema = z.union([
  metricBaselineSchema,
  z.object({ unreadable: z.string() }),
]);

/** Each metric name with the union of its series' label keys (`__name__` aside). */
export function labelKeysByName(series: readonly Labels[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const labels of series) {
    const name = labels['__name__'];
    if (name === undefined) continue;
    const keys = out.get(name) ?? new Set<string>();
    for (const key of Object.keys(labels)) if (key !== '__name__') keys.add(key);
    out.set(name, keys);
  }
  return out;
}

/**
 * Samples per minute of one target from its raw samples since `fromMs`: one minute over the median
 * interval between consecutive samples. Exact for a regular scrape whatever the window's alignment
 * (counting samples per window would be off by one sample in four at a 15 s interval in a 1 m
 * window), and the odd long gap (a restart, a config change inside the window, a missed scrape)
 * does not move it. Undefined with fewer than two samples.
 */
export function targetCadence(points: readonly MetricPoint[], fromMs = -Infinity): TargetCadence | undefined {
  const stamps = [...new Set(points.map((p) => p.timestampMs).filter((t) => t >= fromMs))].sort(
    (a, b) => a - b,
  );
  if (stamps.length < 2) return undefined;
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
  return { samplesPerMinute: 60_000 / median(gaps), samples: stamps.length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounded to 3 decimals: the state keeps a figure, not float noise. */
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The baseline of one service from the series AMP listed over the window and the raw `up`
 * samples of its targets. Names the plan allows to disappear are left out (they are not checked
 * after the switch), then at most BASELINE_NAME_LIMIT names are kept, alphabetically.
 */
export function metricBaselineFrom(input: {
  readonly series: readonly Labels[];
  readonly up: readonly MetricSeries[];
  readonly mayDisappear: readonly string[];
  readonly windowMs: number;
  readonly atMs: number;
}): MetricBaseline {
  const allowed = globMatcher(input.mayDisappear);
  const byName = labelKeysByName(input.series);
  const checked = [...byName.keys()].filter((n) => !allowed(n)).sort();
  const kept = checked.slice(0, BASELINE_NAME_LIMIT);
  const labelKeySets: string[][] = [];
  const setIndex = new Map<string, number>();
  const names: Record<string, number> = {};
  for (const name of kept) {
    const keys = [...(byName.get(name) ?? [])].sort().slice(0, BASELINE_LABEL_KEY_LIMIT);
    const key = keys.join(',');
    let index = setIndex.get(key);
    if (index === undefined) {
      index = labelKeySets.push(keys) - 1;
      setIndex.set(key, index);
    }
    names[name] = index;
  }
  const cadences = input.up
    .map((s) => targetCadence(s.points, input.atMs - input.windowMs))
    .filter((c): c is TargetCadence => c !== undefined)
    .map((c) => c.samplesPerMinute);
  return {
    measuredAt: new Date(input.atMs).toISOString(),
    windowMs: input.windowMs,
    names,
    labelKeySets,
    namesSeen: byName.size,
    namesAllowlisted: byName.size - checked.length,
    namesLeftOut: checked.length - kept.length,
    cadence:
      cadences.length > 0 ? { targets: cadences.length, samplesPerMinute: round3(median(cadences)) } : null,
  };
}

/** The label keys the baseline recorded for `name`, or undefined when it does not hold the name. */
export function baselineKeysOf(baseline: MetricBaseline, name: string): readonly string[] | undefined {
  const index = baseline.names[name];
  return index === undefined ? undefined : (baseline.labelKeySets[index] ?? []);
}
