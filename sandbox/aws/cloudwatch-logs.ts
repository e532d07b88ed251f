import { clientError, requireString } from './errors';
import type { AwsJsonService } from './protocol';

/** Retention values PutRetentionPolicy accepts (the real service rejects anything else). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly seq: number;
}

interface LogStream {
  readonly name: string;
  readonly creationTime: number;
  readonly events: LogEvent[];
}

interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  retentionInDays?: number;
  readonly streams: Map<string, LogStream>;
}

const PAGE = 50;

function pageOf<T>(items: readonly T[], token: unknown, limit: number): { page: T[]; next?: string } {
  const start = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { page, next: String(start + limit) } : { page };
}

/**
 * A CloudWatch Logs filter pattern, the common subset: space-separated terms that must all appear
 * (quoted terms may hold spaces), and JSON patterns `{ $.key = "value" }` / `{ $.key != value }`.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  const json = /^\{\s*\$\.([A-Za-z0-9_.]+)\s*(=|!=)\s*(?:"([^"]*)"|([^"\s{}&|()]+))\s*\}$/.exec(text);
  if (json) {
    const [, path, op, quoted, bare] = json as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    const expected = quoted ?? bare ?? '';
    return (message) => {
      let value: unknown;
      try {
        value = path
          .split('.')
          .reduce<unknown>(
            (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
            JSON.parse(message),
          );
      } catch {
        return false;
      }
      const equal = value !== undefined && String(value) === expected;
      return op === '=' ? equal : value !== undefined && !equal;
    };
  }
  if (text.startsWith('{') || text.startsWith('['))
    throw clientError(
      'InvalidParameterException',
      `Invalid filter pattern: the sandbox supports terms and { $.key = "value" } patterns, got ${text}`,
    );
  const terms = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  return (message) => terms.every((t) => message.includes(t));
}

/** CloudWatch Logs: groups, retention, streams, PutLogEvents, GetLogEvents, FilterLogEvents. */
export class CloudWatchLogsTwin {
  private readonly groups = new Map<string, LogGroup>();
  private seq = 0;

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  createGroup(name: string): void {
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name))
      throw clientError(
        'InvalidParameterException',
        `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
    if (this.groups.has(name))
      throw clientError('ResourceAlreadyExistsException', 'The specified log group already exists');
    this.groups.set(name, { name, creationTime: this.now(), streams: new Map() });
  }

  private group(name: string): LogGroup {
    const g = this.groups.get(name);
    if (!g) throw clientError('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  }

  /** Appends events the way the awslogs driver does, creating the stream if needed. */
  append(
    groupName: string,
    streamName: string,
    events: readonly { timestamp: number; message: string }[],
  ): void {
    const g = this.group(groupName);
    let s = g.streams.get(streamName);
    if (!s) {
      s = { name: streamName, creationTime: this.now(), events: [] };
      g.streams.set(streamName, s);
    }
    const ingestionTime = this.now();
    for (const e of events)
      s.events.push({ timestamp: e.timestamp, message: e.message, ingestionTime, seq: ++this.seq });
    s.events.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  }

  /** Events in a group since `sinceMs` (for the rehearsal's own observation). */
  eventsSince(groupName: string, sinceMs: number): number {
    const g = this.groups.get(groupName);
    if (!g) return 0;
    let n = 0;
    for (const s of g.streams.values()) n += s.events.filter((e) => e.ingestionTime >= sinceMs).length;
    return n;
  }

  /** Events ingested since `sinceMs` into the group's streams whose name ends with one of `suffixes`. */
  recentEvents(groupName: string, sinceMs: number, suffixes: readonly string[]): number {
    const g = this.groups.get(groupName);
    if (!g) return 0;
    let n = 0;
    for (const s of g.streams.values())
      if (suffixes.some((x) => s.name.endsWith(x)))
        n += s.events.filter((e) => e.ingestionTime >= sinceMs).length;
    return n;
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  private describeGroup(g: LogGroup) {
    const storedBytes = [...g.streams.values()].reduce(
      (n, s) => n + s.events.reduce((m, e) => m + e.message.length, 0),
      0,
    );
    return {
      logGroupName: g.name,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      metricFilterCount: 0,
      arn: `arn:aws:logs:${this.region}:${this.account}:log-group:${g.name}:*`,
      logGroupArn: `arn:aws:logs:${this.region}:${this.account}:log-group:${g.name}`,
      storedBytes,
      logGroupClass: 'STANDARD',
    };
  }

  service(): AwsJsonService {
    const E = 'InvalidParameterException';
    return {
      targetPrefix: 'Logs_20140328',
      contentType: 'application/x-amz-json-1.1',
      operations: {
        CreateLogGroup: (input) => {
          this.createGroup(requireString(input, 'logGroupName', E));
          return {};
        },
        DeleteLogGroup: (input) => {
          const name = requireString(input, 'logGroupName', E);
          this.group(name);
          this.groups.delete(name);
          return {};
        },
        DescribeLogGroups: (input) => {
          const prefix = typeof input['logGroupNamePrefix'] === 'string' ? input['logGroupNamePrefix'] : '';
          const limit = typeof input['limit'] === 'number' ? input['limit'] : PAGE;
          if (limit < 1 || limit > 50)
            throw clientError(
              E,
              "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 50",
            );
          const all = [...this.groups.values()]
            .filter((g) => g.name.startsWith(prefix))
            .sort((a, b) => a.name.localeCompare(b.name));
          const { page, next } = pageOf(all, input['nextToken'], limit);
          return { logGroups: page.map((g) => this.describeGroup(g)), ...(next ? { nextToken: next } : {}) };
        },
        PutRetentionPolicy: (input) => {
          const g = this.group(requireString(input, 'logGroupName', E));
          const days = input['retentionInDays'];
          if (typeof days !== 'number' || !(RETENTION_DAYS as readonly number[]).includes(days))
            throw clientError(
              E,
              `1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
            );
          g.retentionInDays = days;
          return {};
        },
        CreateLogStream: (input) => {
          const g = this.group(requireString(input, 'logGroupName', E));
          const name = requireString(input, 'logStreamName', E);
          if (g.streams.has(name))
            throw clientError('ResourceAlreadyExistsException', 'The specified log stream already exists');
          g.streams.set(name, { name, creationTime: this.now(), events: [] });
          return {};
        },
        DescribeLogStreams: (input) => {
          const g = this.group(requireString(input, 'logGroupName', E));
          const prefix = typeof input['logStreamNamePrefix'] === 'string' ? input['logStreamNamePrefix'] : '';
          const byTime = input['orderBy'] === 'LastEventTime';
          if (byTime && prefix)
            throw clientError(E, 'Cannot order by LastEventTime with a logStreamNamePrefix.');
          const last = (s: LogStream) => s.events.at(-1)?.timestamp ?? 0;
          let streams = [...g.streams.values()].filter((s) => s.name.startsWith(prefix));
          streams.sort(byTime ? (a, b) => last(a) - last(b) : (a, b) => a.name.localeCompare(b.name));
          if (input['descending'] === true) streams = streams.reverse();
          const { page, next } = pageOf(
            streams,
            input['nextToken'],
            typeof input['limit'] === 'number' ? input['limit'] : PAGE,
          );
          return {
            logStreams: page.map((s) => ({
              logStreamName: s.name,
              creationTime: s.creationTime,
              ...(s.events.length
                ? {
                    firstEventTimestamp: s.events[0]?.timestamp,
                    lastEventTimestamp: last(s),
                    lastIngestionTime: s.events.at(-1)?.ingestionTime,
                  }
                : {}),
              arn: `arn:aws:logs:${this.region}:${this.account}:log-group:${g.name}:log-stream:${s.name}`,
              storedBytes: 0,
            })),
            ...(next ? { nextToken: next } : {}),
          };
        },
        PutLogEvents: (input) => {
          const group = requireString(input, 'logGroupName', E);
          const stream = requireString(input, 'logStreamName', E);
          const g = this.group(group);
          if (!g.streams.has(stream))
            throw clientError('ResourceNotFoundException', 'The specified log stream does not exist.');
          const events = input['logEvents'];
          if (!Array.isArray(events) || events.length === 0)
            throw clientError(E, 'logEvents must hold at least one event');
          const parsed = events.map((e: { timestamp?: unknown; message?: unknown }) => {
            if (typeof e?.timestamp !== 'number' || typeof e?.message !== 'string')
              throw clientError(E, 'every log event needs a numeric timestamp and a message');
            return { timestamp: e.timestamp, message: e.message };
          });
          this.append(group, stream, parsed);
          return {};
        },
        GetLogEvents: (input) => {
          const g = this.group(requireString(input, 'logGroupName', E));
          const s = g.streams.get(requireString(input, 'logStreamName', E));
          if (!s) throw clientError('ResourceNotFoundException', 'The specified log stream does not exist.');
          const start = typeof input['startTime'] === 'number' ? input['startTime'] : 0;
          const end = typeof input['endTime'] === 'number' ? input['endTime'] : Number.MAX_SAFE_INTEGER;
          const events = s.events.filter((e) => e.timestamp >= start && e.timestamp < end);
          const limit = typeof input['limit'] === 'number' ? input['limit'] : 10000;
          const fromHead = input['startFromHead'] === true;
          const page = fromHead ? events.slice(0, limit) : events.slice(-limit);
          return {
            events: page.map((e) => ({
              timestamp: e.timestamp,
              message: e.message,
              ingestionTime: e.ingestionTime,
            })),
            nextForwardToken: `f/${page.at(-1)?.seq ?? 0}`,
            nextBackwardToken: `b/${page[0]?.seq ?? 0}`,
          };
        },
        FilterLogEvents: (input) => {
          const g = this.group(requireString(input, 'logGroupName', E));
          const names = Array.isArray(input['logStreamNames'])
            ? (input['logStreamNames'] as string[])
            : undefined;
          const prefix =
            typeof input['logStreamNamePrefix'] === 'string' ? input['logStreamNamePrefix'] : undefined;
          if (names && prefix)
            throw clientError(E, 'You cannot specify both LogStreamNames and LogStreamNamePrefix.');
          const start = typeof input['startTime'] === 'number' ? input['startTime'] : 0;
          const end = typeof input['endTime'] === 'number' ? input['endTime'] : Number.MAX_SAFE_INTEGER;
          const match = compileFilterPattern(
            typeof input['filterPattern'] === 'string' ? input['filterPattern'] : undefined,
          );
          const events = [...g.streams.values()]
            .filter((s) => (names ? names.includes(s.name) : prefix ? s.name.startsWith(prefix) : true))
            .flatMap((s) =>
              s.events
                .filter((e) => e.timestamp >= start && e.timestamp <= end && match(e.message))
                .map((e) => ({ s, e })),
            )
            .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.seq - b.e.seq);
          const limit = typeof input['limit'] === 'number' ? input['limit'] : 10000;
          // The API's constraint on limit (FilterLogEvents reference: 1 to 10,000 events).
          if (!Number.isInteger(limit) || limit < 1 || limit > 10000)
            throw clientError(
              E,
              `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value ${limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`,
            );
          const { page, next } = pageOf(events, input['nextToken'], limit);
          return {
            events: page.map(({ s, e }) => ({
              logStreamName: s.name,
              timestamp: e.timestamp,
              message: e.message,
              ingestionTime: e.ingestionTime,
              eventId: String(e.seq).padStart(56, '0'),
            })),
            searchedLogStreams: [],
            ...(next ? { nextToken: next } : {}),
          };
        },
      },
    };
  }
}
