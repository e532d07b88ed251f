import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { RequestPacer } from './pacer';

/**
 * The first page of a later read is sized to what the previous read found (twice that, within these
 * bounds): a poll usually finds a handful of new events (one Wait-to-Wait cycle is about ten), and
 * every event already seen on that page is sent again with its state data, often kilobytes each.
 */
export const HISTORY_PAGE_SIZE = 100;
export const HISTORY_MIN_PAGE_SIZE = 25;
/** The API's largest page: the first read of an execution, and every page after a full one, take it. */
export const HISTORY_MAX_PAGE_SIZE = 1000;

/**
 * Reads only the events added since the last call. GetExecutionHistory gives no token to resume
 * from once the end is reached, so each call pages from the newest event backwards until it meets
 * one already seen, then returns the new ones oldest first.
 */
export class HistoryReader {
  private lastEventId = 0;
  private lastFound = 0;
  private sentAt: number | undefined;
  private previousSentAt: number | undefined;

  constructor(
    private readonly sfn: Pick<SFNClient, 'send'>,
    readonly executionArn: string,
    private readonly pacer: RequestPacer,
    private readonly pageSize = HISTORY_PAGE_SIZE,
  ) {}

  /**
   * When the latest read's first request went out (follower clock). That page is the newest one,
   * so an event it did not return happened after this time.
   */
  get readAt(): number | undefined {
    return this.sentAt;
  }

  /** When the read before the latest one went out: events first returned by the latest read are younger. */
  get previousReadAt(): number | undefined {
    return this.previousSentAt;
  }

  async readNew(): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let reachedSeen = false;
    let sentAt: number | undefined;
    do {
      const token = nextToken;
      const size =
        this.lastEventId === 0 || token
          ? HISTORY_MAX_PAGE_SIZE
          : Math.min(this.pageSize, Math.max(HISTORY_MIN_PAGE_SIZE, 2 * this.lastFound));
      const page = await this.pacer.send(`reading the history of ${this.executionArn}`, () =>
        this.sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: this.executionArn,
            reverseOrder: true,
            maxResults: size,
            includeExecutionData: true,
            ...(token ? { nextToken: token } : {}),
          }),
        ),
      );
      sentAt ??= this.pacer.lastSentAt;
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= this.lastEventId) {
          reachedSeen = true;
          break;
        }
        fresh.push(event);
      }
      nextToken = page.nextToken;
    } while (!reachedSeen && nextToken);
    this.previousSentAt = this.sentAt;
    this.sentAt = sentAt;
    fresh.reverse();
    this.lastFound = fresh.length;
    const last = fresh[fresh.length - 1];
    if (last?.id !== undefined) this.lastEventId = last.id;
    return fresh;
  }
}
