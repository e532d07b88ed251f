import {
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent,
  type HistoryEventType,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clock } from '../../action/src/pacer';

/** Follower time 0 on the service's clock (before skew). */
export const scriptEpoch = Date.UTC(2026, 0, 1);

export type TimedDraft = Omit<HistoryEvent, 'id' | 'timestamp' | 'previousEventId'> & {
  type: HistoryEventType;
};

export interface TimedOptions {
  /** Each request takes this long on the follower's clock; the service answers half-way. */
  readonly latencyMs: number;
  /** The service's clock minus the follower's: timestamps in the history carry it. */
  readonly skewMs?: number;
  /** Service-clock ms per follower ms: 1 = the same pace, below 1 = a service clock running slower. */
  readonly stampRate?: number;
}

/**
 * A Step Functions stand-in on one fake clock: every scripted event happens at a time, and a read
 * returns what had happened when the service handled it. Requests take time, so the follower's
 * clock moves as it reads, as it would against the real service.
 */
export class TimedStepFunctions {
  readonly mock = mockClient(SFNClient);
  readonly client = new SFNClient({ region: 'eu-west-1' });
  now = 0;
  /** Every request: when it was sent (follower clock), what, and for which execution. */
  readonly requests: { at: number; command: string; executionArn?: string }[] = [];
  private readonly scripts = new Map<string, { at: number; draft: TimedDraft }[]>();

  constructor(private readonly options: TimedOptions) {
    this.mock.on(GetExecutionHistoryCommand).callsFake(this.history);
  }

  readonly clock: Clock = {
    now: () => this.now,
    sleep: (ms) => {
      this.now += ms;
      return Promise.resolve();
    },
  };

  /** Scripts an event of `arn` at follower time `at` (events of one execution in time order). */
  add(arn: string, at: number, draft: TimedDraft): void {
    const script = this.scripts.get(arn) ?? [];
    script.push({ at, draft });
    this.scripts.set(arn, script);
  }

  /** The timestamp (service clock, epoch ms) of an event that happened at follower time `at`. */
  stampOf(at: number): number {
    return scriptEpoch + at * (this.options.stampRate ?? 1) + (this.options.skewMs ?? 0);
  }

  /** The follower time of an event stamped `stamp`. */
  timeOfStamp(stamp: number): number {
    return (stamp - scriptEpoch - (this.options.skewMs ?? 0)) / (this.options.stampRate ?? 1);
  }

  readonly history = (input: {
    executionArn: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
  }) => {
    this.requests.push({ at: this.now, command: 'GetExecutionHistory', executionArn: input.executionArn });
    this.now += this.options.latencyMs / 2;
    const handledAt = this.now;
    const all: HistoryEvent[] = (this.scripts.get(input.executionArn) ?? [])
      .filter((e) => e.at <= handledAt)
      .map((e, i) => ({
        ...e.draft,
        id: i + 1,
        previousEventId: i,
        timestamp: new Date(this.stampOf(e.at)),
      }));
    if (input.reverseOrder) all.reverse();
    const offset = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 1000;
    this.now += this.options.latencyMs / 2;
    return Promise.resolve({
      events: all.slice(offset, offset + size),
      ...(offset + size < all.length ? { nextToken: String(offset + size) } : {}),
    });
  };
}
