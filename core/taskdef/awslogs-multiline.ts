import { InputInvalidError } from '../errors';
import type { LogConfiguration } from './types';

/** How Alloy must join lines so a stack trace stays one Loki entry, as awslogs kept it one event. */
export interface MultilineSetting {
  /** RE2 regex: a line it matches (anywhere, unanchored) starts a new entry; others are appended. */
  readonly firstline: string;
  /** How long a block waits for more lines before it is sent, in Alloy's duration syntax. */
  readonly maxWaitTime: string;
}

/**
 * Docker's awslogs driver turns `awslogs-datetime-format` into a regex by replacing each `%x`
 * sequence with this table's entry; a sequence it does not list becomes "" and the text around
 * the sequences is used as regex text, unescaped. Copied as is so the lines that started a
 * CloudWatch event start a Loki entry:
 * moby/moby daemon/logger/awslogs/cloudwatchlogs.go (strftimeToRegex, parseMultilineOptions),
 * commit b985e2313a8676e18072b442911fc8f64f17d440; Docker's awslogs page lists the same codes.
 */
export const STRFTIME_TO_REGEX: Readonly<Record<string, string>> = {
  '%a': '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)',
  '%A': '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)',
  '%w': '[0-6]',
  '%d': '(?:0[1-9]|[1,2][0-9]|3[0,1])',
  '%b': '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)',
  '%B': '(?:January|February|March|April|May|June|July|August|September|October|November|December)',
  '%m': '(?:0[1-9]|1[0-2])',
  '%Y': '\\d{4}',
  '%y': '\\d{2}',
  '%H': '(?:[0,1][0-9]|2[0-3])',
  '%I': '(?:0[0-9]|1[0-2])',
  '%p': '[A,P]M',
  '%M': '[0-5][0-9]',
  '%S': '[0-5][0-9]',
  '%f': '\\d{6}',
  '%z': '[+-]\\d{4}',
  '%Z': '[A-Z]{1,4}T',
  '%j': '(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])',
  '%L': '\\.\\d{3}',
};

/** awslogs' default `awslogs-force-flush-interval-seconds` (moby: defaultForceFlushInterval). */
const DEFAULT_FLUSH_SECONDS = 5;

/** Docker's translation of a strftime datetime format (see STRFTIME_TO_REGEX). */
export function datetimeFormatToRegex(format: string): string {
  return format.replace(/%./gs, (code) => STRFTIME_TO_REGEX[code] ?? '');
}

/**
 * The multi-line setting of a container logging with awslogs (`awslogs-multiline-pattern`, a Go
 * regex, or `awslogs-datetime-format`, strftime; Docker refuses both at once), or null when it
 * has neither or logs with another driver. `maxWaitTime` is the driver's flush interval: awslogs
 * sends a buffered block after one to two intervals, Alloy after this long without a new line.
 * @throws InputInvalidError when the options cannot be what Docker accepted (both set, bad interval).
 */
export function awslogsMultiline(
  container: string,
  logging: LogConfiguration | undefined,
): MultilineSetting | null {
  if (logging?.logDriver !== 'awslogs') return null;
  const options = logging.options ?? {};
  const pattern = options['awslogs-multiline-pattern'];
  const format = options['awslogs-datetime-format'];
  if (!pattern && !format) return null;
  const where = `container "${container}"`;
  if (pattern && format)
    throw new InputInvalidError(
      `${where}: awslogs-multiline-pattern and awslogs-datetime-format are both set; expected one of them (Docker refuses both)`,
      { container },
    );
  const firstline = format ? datetimeFormatToRegex(format) : (pattern as string);
  // Docker compiled it with Go's regexp (RE2), as Alloy will; a format that leaves no regex at
  // all turns multi-line off in Docker (parseMultilineOptions), so here too.
  if (firstline === '') return null;
  const flush = options['awslogs-force-flush-interval-seconds'];
  const seconds = flush === undefined ? DEFAULT_FLUSH_SECONDS : Number(flush);
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new InputInvalidError(
      `${where}: awslogs-force-flush-interval-seconds is ${JSON.stringify(flush)}; expected a positive whole number of seconds`,
      { container },
    );
  return { firstline, maxWaitTime: `${seconds}s` };
}
