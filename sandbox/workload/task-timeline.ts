import type { SimClock } from '../clock';
import type { FaultInjector } from '../faults';
import { FlappingScrape } from './flapping-scrape';

/**
 * The faults of one migrated task whose evidence turns bad while it runs (`broken-json-after`,
 * `no-logs-after`, `flapping-metrics`). Started when the task is RUNNING (ECS `startedAt`) and
 * measured with timers on the sandbox clock, so onsets are in simulated time at any clock speed and
 * do not depend on what the clock's `now()` reports.
 */
export interface TaskTimeline {
  /** The onset of `broken-json-after` has passed: lines are written broken. */
  jsonBroken(): boolean;
  /** The onset of `no-logs-after` has passed: the sidecar ships nothing. */
  logsStopped(): boolean;
  /** One scrape of the task's metrics: false when it fails (`flapping-metrics`). */
  scrape(): boolean;
  stop(): void;
}

/** A task without such faults (every ADOT task, and Alloy tasks of unfaulted services). */
export const STEADY: TaskTimeline = {
  jsonBroken: () => false,
  logsStopped: () => false,
  scrape: () => true,
  stop: () => undefined,
};

export function startTaskTimeline(clock: SimClock, faults: FaultInjector, ecsService: string): TaskTimeline {
  const broken = onset(clock, faults.forService('broken-json-after', ecsService)?.afterMs);
  const silent = onset(clock, faults.forService('no-logs-after', ecsService)?.afterMs);
  const flapping = faults.forService('flapping-metrics', ecsService) ? new FlappingScrape(clock) : undefined;
  return {
    jsonBroken: broken.passed,
    logsStopped: silent.passed,
    scrape: () => flapping?.scrape() ?? true,
    stop: () => {
      broken.cancel();
      silent.cancel();
      flapping?.stop();
    },
  };
}

function onset(clock: SimClock, afterMs: number | undefined): { passed: () => boolean; cancel: () => void } {
  if (afterMs === undefined) return { passed: () => false, cancel: () => undefined };
  let passed = false;
  const cancel = clock.schedule(afterMs, () => {
    passed = true;
  });
  return { passed: () => passed, cancel };
}
