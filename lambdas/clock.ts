/**
 * The one place the Lambdas read the time. On AWS it is the wall clock. The sandbox, which runs
 * the same handlers in its own process on a clock `speed` times faster than real time, installs
 * its clock here, so every deadline the handlers measure runs on the same time as the Wait states
 * and the simulated ECS, Loki and CloudWatch (otherwise a 15-minute deadline would take 15 real
 * minutes while everything else is sped up).
 */
export type TimeSource = () => number;

const wallClock: TimeSource = () => Date.now();
let source: TimeSource = wallClock;

/** Epoch milliseconds now, on the installed clock. */
export function now(): number {
  return source();
}

/** Installs a time source (the sandbox's clock); returns a function that puts the previous one back. */
export function useTimeSource(next: TimeSource): () => void {
  const previous = source;
  source = next;
  return () => {
    source = previous;
  };
}
