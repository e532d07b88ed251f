/**
 * The default EventBridge bus, the part the orchestrator uses: rules with an event pattern, a Lambda
 * target each, delivery after the event is put (asynchronously, as EventBridge invokes targets).
 *
 * Patterns: the subset the orchestrator's rule uses, matched as EventBridge documents it
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html): a field's array
 * of values matches when the event's value equals one of them; a nested object matches the event's
 * nested object field by field; fields the pattern leaves out are not looked at.
 */
export type EventPattern = {
  readonly [field: string]: readonly (string | number | boolean | null)[] | EventPattern;
};

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  const obj = event as Record<string, unknown>;
  for (const [field, expected] of Object.entries(pattern)) {
    const value = obj[field];
    if (Array.isArray(expected)) {
      if (!(expected as readonly unknown[]).some((v) => v === value)) return false;
    } else if (!matchesPattern(expected as EventPattern, value)) return false;
  }
  return true;
}

export interface Delivery {
  readonly rule: string;
  readonly event: unknown;
  readonly result?: unknown;
  readonly error?: string;
}

export interface EventBusOptions {
  /** Runs the rule's target (a Lambda function name) with the event. */
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
}

export class EventBus {
  private readonly rules = new Map<string, { pattern: EventPattern; target: string }>();
  private readonly inFlight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];
  private closed = false;

  constructor(private readonly o: EventBusOptions) {}

  putRule(name: string, pattern: EventPattern, targetFunction: string): void {
    this.rules.set(name, { pattern, target: targetFunction });
  }

  /** PutEvents: every matching rule's target runs once, after this returns. */
  put(event: unknown): void {
    if (this.closed) return;
    for (const [name, rule] of this.rules) {
      if (!matchesPattern(rule.pattern, event)) continue;
      const delivery: Promise<void> = new Promise<void>((r) => setImmediate(r))
        .then(() => this.o.invoke(rule.target, event))
        .then(
          (result) => void this.deliveries.push({ rule: name, event, result }),
          (error: unknown) =>
            void this.deliveries.push({
              rule: name,
              event,
              error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            }),
        )
        .finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Resolves once no delivery is running (new ones started meanwhile included). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Takes no more events (the sandbox is stopping) and waits for the running deliveries. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }
}
