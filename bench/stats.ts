/** Small statistics for benchmark samples. */

export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median of no samples; expected at least one');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Rounds to `digits` decimals (figures are printed and stored, not computed on further). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** value / total, or null when the total is zero (a ratio that does not exist is not 0). */
export function ratio(value: number, total: number): number | null {
  return total === 0 ? null : value / total;
}
