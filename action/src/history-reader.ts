import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { RequestPacer } from './pacer';

export const HISTORY_PAGE_SIZE = 100;

/**
 * Reads only the events added since the last call. GetExecutionHistory gives no token to resume
 * from once the end is reached, so each call pages from the newest event backwards until it meets
 * one already seen, then returns the new ones oldest first.
 */
export class HistoryReader {
  private lastEventId = 0;

  constructor(
    private readonly sfn: Pick<SFNClient, 'send'>,
    readonly executionArn: string,
    private readonly pacer: RequestPacer,
    private readonly pageSize = HISTORY_PAGE_SIZE,
  ) {}

  async readNew(): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let reachedSeen = false;
    do {
      const token = nextToken;
      const page = await this.pacer.send(`reading the history of ${this.executionArn}`, () =>
        this.sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: this.executionArn,
            reverseOrder: true,
            maxResults: this.pageSize,
            includeExecutionData: true,
            ...(token ? { nextToken: token } : {}),
          }),
        ),
      );
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= this.lastEventId) {
          reachedSeen = true;
          break;
        }
        fresh.push(event);
      }
      nextToken = page.nextToken;
    } while (!reachedSeen && nextToken);
    fresh.reverse();
    const last = fresh[fresh.length - 1];
    if (last?.id !== undefined) this.lastEventId = last.id;
    return fresh;
  }
}
