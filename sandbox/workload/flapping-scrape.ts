import type { SimClock } from '../clock';
import { FLAP_PHASE_MS } from '../faults';

/**
 * `flapping-metrics`: an unstable collector. Its scrape target answers for a phase, then fails every
 * scrape for a phase, and so on, starting with an answering phase (so a check can pass first and
 * then stop passing). Failing scrapes (HTTP 500) rather than a target that vanishes: a collector
 * that crash-loops or wedges keeps its target, and Prometheus records the failure at the very next
 * scrape (up=0, the task's other series marked stale) instead of after a service-discovery refresh.
 *
 * A phase lasts `phaseMs` simulated milliseconds and at least one scrape. Prometheus scrapes on
 * the wall clock, so at a fast clock a phase can be shorter than its scrape interval: measured on
 * time alone, every scrape could land in the same phase and the fault would show as no fault at
 * all, or as a permanent outage.
 */
export class FlappingScrape {
  private answering = true;
  private elapsed = false;
  private scraped = false;
  private cancel: () => void = () => undefined;

  constructor(
    private readonly clock: SimClock,
    private readonly phaseMs: number = FLAP_PHASE_MS,
  ) {
    this.begin(true);
  }

  /** One scrape: true when it is answered, false when it fails. */
  scrape(): boolean {
    const answered = this.answering;
    this.scraped = true;
    this.advance();
    return answered;
  }

  stop(): void {
    this.cancel();
  }

  private begin(answering: boolean): void {
    this.answering = answering;
    this.elapsed = false;
    this.scraped = false;
    this.cancel = this.clock.schedule(this.phaseMs, () => {
      this.elapsed = true;
      this.advance();
    });
  }

  private advance(): void {
    if (this.elapsed && this.scraped) this.begin(!this.answering);
  }
}
