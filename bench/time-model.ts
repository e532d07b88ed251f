import type { Interval } from './history';

/**
 * The sandbox runs Wait states (and ECS, which moves on while the orchestrator waits) on a clock
 * `speed` times faster than real time, while Lambda code, the state machine engine and HTTP calls
 * run at real speed. So simulated time between two wall-clock instants is: the real time outside
 * Wait states, plus the time inside them multiplied by the speed. Real work is never scaled up,
 * which would charge the orchestrator `speed` times for its own CPU.
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
