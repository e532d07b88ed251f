import type { Interval } from './history';

/**
 * Simulated time as the figures count it. The sandbox's clock runs everything at `speed` times
 * real time, Lambda code included (sandbox/clock.ts says why), so its timestamps charge a Lambda
 * `speed` times its run time. The figures want the orchestrator's own work at its real length:
 * the rehearsal maps the sandbox's stamps back to wall-clock instants (rehearsal.ts), and
 * simulated time between two of them is the real time outside Wait states plus the time inside
 * them multiplied by the speed. Inputs here are therefore always wall-clock instants; giving this
 * model the sandbox's simulated stamps would scale the Wait states twice.
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end)
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** Milliseconds of [from, to] covered by the (merged) intervals. */
export function overlapMs(from: number, to: number, merged: readonly Interval[]): number {
  let total = 0;
  for (const i of merged) total += Math.max(0, Math.min(to, i.end) - Math.max(from, i.start));
  return total;
}

export class SimulatedTime {
  private readonly waits: Interval[];

  constructor(
    readonly speed: number,
    waits: readonly Interval[],
  ) {
    if (!(speed >= 1)) throw new RangeError(`speed must be at least 1, got ${speed}`);
    this.waits = mergeIntervals(waits);
  }

  /** Simulated milliseconds between two wall-clock instants. */
  between(fromMs: number, toMs: number): number {
    if (toMs < fromMs) return -this.between(toMs, fromMs);
    return toMs - fromMs + (this.speed - 1) * overlapMs(fromMs, toMs, this.waits);
  }
}
