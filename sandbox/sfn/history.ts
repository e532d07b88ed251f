/**
 * Step Functions execution history as GetExecutionHistory returns it: numbered events with the
 * real event types and detail fields, recorded as the execution runs.
 */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

const MAX_DETAIL = 262_144;

/** State input/output travels as JSON text in the history, as in the real service. */
export function jsonText(value: unknown): { text: string; truncated: boolean } {
  const text = JSON.stringify(value ?? null);
  return text.length > MAX_DETAIL
    ? { text: text.slice(0, MAX_DETAIL), truncated: true }
    : { text, truncated: false };
}

const TYPE_PREFIX: Record<string, string> = {
  Task: 'Task',
  Pass: 'Pass',
  Choice: 'Choice',
  Wait: 'Wait',
  Parallel: 'Parallel',
  Map: 'Map',
  Succeed: 'Succeed',
  Fail: 'Fail',
};

export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number) {}

  add(type: string, details: Record<string, unknown> = {}): HistoryEvent {
    const id = this.events.length + 1;
    const event: HistoryEvent = {
      id,
      previousEventId: id - 1,
      timestamp: this.now() / 1000,
      type,
      ...details,
    };
    this.events.push(event);
    for (const l of this.listeners) l();
    return event;
  }

  stateEntered(stateType: string, name: string, input: unknown): void {
    const { text, truncated } = jsonText(input);
    this.add(`${TYPE_PREFIX[stateType] ?? 'Task'}StateEntered`, {
      stateEnteredEventDetails: { name, input: text, inputDetails: { truncated } },
    });
  }

  stateExited(stateType: string, name: string, output: unknown): void {
    const { text, truncated } = jsonText(output);
    this.add(`${TYPE_PREFIX[stateType] ?? 'Task'}StateExited`, {
      stateExitedEventDetails: { name, output: text, outputDetails: { truncated } },
    });
  }

  onEvent(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
