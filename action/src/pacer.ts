import { isThrottling, isTransient, translateSfnError } from './sfn-errors';

export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface PacerOptions {
  /** Minimum time between two requests: keeps the follower well inside the API's rate quota. */
  readonly minIntervalMs: number;
  readonly maxAttempts: number;
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** GetExecutionHistory's refill rate is a few requests per second per account: stay at 4/s. */
export const DEFAULT_PACER: PacerOptions = {
  minIntervalMs: 250,
  maxAttempts: 8,
  baseBackoffMs: 1000,
  maxBackoffMs: 20_000,
};

/**
 * Sends requests one after another at a bounded rate, and backs off exponentially when the API
 * throttles or fails transiently. The delays are deterministic (no jitter): one follower per job.
 */
export class RequestPacer {
  private lastSentAtMs: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: PacerOptions = DEFAULT_PACER,
  ) {}

  /** When the latest request (or retry) was sent, on the follower's clock. */
  get lastSentAt(): number | undefined {
    return this.lastSentAtMs;
  }

  async send<T>(what: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.waitTurn();
      try {
        return await request();
      } catch (error) {
        if (!isTransient(error) || attempt >= this.options.maxAttempts) throw translateSfnError(error, what);
        const factor = isThrottling(error) ? 2 : 1.5;
        const backoff = Math.min(
          this.options.maxBackoffMs,
          this.options.baseBackoffMs * factor ** (attempt - 1),
        );
        await this.clock.sleep(backoff);
      }
    }
  }

  private async waitTurn(): Promise<void> {
    const now = this.clock.now();
    if (this.lastSentAtMs !== undefined) {
      const wait = this.lastSentAtMs + this.options.minIntervalMs - now;
      if (wait > 0) await this.clock.sleep(wait);
    }
    this.lastSentAtMs = this.clock.now();
  }
}
