/**
 * The sandbox's notion of time. Timestamps it reports stay on the wall clock (the product compares
 * them with its own `Date.now()`, and Loki/CloudWatch windows are real), while every duration the
 * sandbox simulates (task start-up, deployment steps, Wait states, retry intervals) is divided by
 * `speed`, so a five-minute deployment takes seconds.
 */
export interface ClockOptions {
  /** How many simulated milliseconds pass per real millisecond (>= 1 speeds things up). */
  readonly speed?: number;
}

export class SimClock {
  readonly speed: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  constructor(options: ClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0)
      throw new RangeError(`clock speed must be a positive number, got ${String(speed)}`);
    this.speed = speed;
  }

  /** Wall-clock milliseconds: what timestamps in API answers carry. */
  now(): number {
    return Date.now();
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
