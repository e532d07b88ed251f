/**
 * The sandbox's notion of time: one simulated clock that everything in the sandbox reads, so
 * deadlines, Wait states and the simulated world agree. Simulated time runs `speed` times faster
 * than the wall clock from an anchor (the moment the clock was made, where both coincide):
 *
 *   simulated = anchor + (real - anchor) * speed
 *
 * Durations the sandbox simulates (task start-up, deployment steps, Wait states, retry intervals,
 * telemetry periods) take `1 / speed` of their length in real time, and every timestamp it reports
 * (ECS, CloudWatch Logs, Loki, DynamoDB, the Step Functions history) and the Lambdas' clock
 * (`lambdas/clock.ts`, installed by the sandbox) read `now()`.
 *
 * Why one uniform speed, also while a Lambda runs (rather than x1 inside Lambdas and x speed
 * outside): the simulated world keeps moving on its timers at x speed whatever a Lambda does, and
 * child executions run side by side (one in a Lambda while another waits), so a clock that slowed
 * down "during Lambda execution" would either disagree with the durations ECS and the tasks
 * simulate or need every timer re-planned at each Lambda start and end. A fixed ratio also makes
 * the mapping exact both ways, which the AMP stand-in needs to translate Prometheus' wall-clock
 * stamps. The price: a Lambda's own run time counts `speed` times in simulated time (50 ms is
 * 3 simulated seconds at x60), which can only make a deadline tighter than on AWS, never looser.
 * Figures that want Lambda time at its real length (bench/) map history stamps back with
 * `toReal()`.
 */
/**
 * Wall-clock epoch ms with sub-millisecond resolution: `Date.now()` moves in whole milliseconds,
 * which at x1000 would make simulated time jump a second at a time.
 */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ClockOptions {
  /** How many simulated milliseconds pass per real millisecond (>= 1 speeds things up). */
  readonly speed?: number;
  /** Wall-clock ms where simulated time starts (default: now); tests pin it. */
  readonly anchor?: number;
}

export class SimClock {
  readonly speed: number;
  /** Wall-clock milliseconds at which simulated and real time coincide. */
  readonly anchor: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  constructor(options: ClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0)
      throw new RangeError(`clock speed must be a positive number, got ${String(speed)}`);
    this.speed = speed;
    this.anchor = options.anchor ?? wallNow();
  }

  /** Simulated epoch milliseconds now (whole ms): what every timestamp in the sandbox carries. */
  now(): number {
    return Math.floor(this.toSimulated(wallNow()));
  }

  /** The simulated instant of a wall-clock instant (epoch ms). */
  toSimulated(realMs: number): number {
    return this.anchor + (realMs - this.anchor) * this.speed;
  }

  /** The wall-clock instant of a simulated instant (epoch ms), e.g. to ask Prometheus about it. */
  toReal(simulatedMs: number): number {
    return this.anchor + (simulatedMs - this.anchor) / this.speed;
  }

  /** Real milliseconds a simulated duration takes. */
  realMs(simulatedMs: number): number {
    return Math.max(0, Math.round(simulatedMs / this.speed));
  }

  /** Runs `fn` after a simulated delay; the timer never keeps the process alive. */
  schedule(simulatedMs: number, fn: () => void): () => void {
    if (this.stopped) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.realMs(simulatedMs));
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Runs `fn` every simulated `periodMs` until the returned function is called or the clock stops. */
  every(simulatedPeriodMs: number, fn: () => void): () => void {
    if (this.stopped) return () => undefined;
    const timer = setInterval(fn, Math.max(1, this.realMs(simulatedPeriodMs)));
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  /** Resolves after a simulated delay, or at once when the clock is stopped. */
  sleep(simulatedMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.sleepers.delete(done);
        cancel();
        resolve();
      };
      this.sleepers.add(done);
      const cancel = this.schedule(simulatedMs, done);
    });
  }

  /** Clears every timer; pending sleeps resolve so nothing waits on a dead sandbox. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
  }
}
