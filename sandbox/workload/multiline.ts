import { STRFTIME_TO_REGEX } from '../../core/taskdef/awslogs-multiline';
import type { LogEntry } from './json-file';

/**
 * Multi-line grouping as the two shippers do it: Docker's awslogs driver with
 * `awslogs-multiline-pattern` / `awslogs-datetime-format`, and Alloy's `stage.multiline`. A line
 * that matches the start pattern opens a new entry; a line that does not is appended, after "\n",
 * to the entry before it. Lines are grouped within one batch (what a container wrote at once, what
 * the sidecar read at once): the sandbox writes a stack trace in one batch, and both shippers wait
 * for the next start line or a few seconds (awslogs' 5 s flush, Alloy's max_wait_time 3 s) before
 * they send an entry, far longer than a batch lasts.
 */

/** A regular expression, or null when JavaScript cannot compile it (an RE2-only construct). */
function compile(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/**
 * What starts a new CloudWatch event under an awslogs driver's options: the datetime format or the
 * multiline pattern (Docker refuses both at once; the format is read first, as Docker does), matched
 * anywhere in the line; null: every line is an event.
 */
export function awslogsStartPattern(options: Readonly<Record<string, string>> | undefined): RegExp | null {
  const datetime = options?.['awslogs-datetime-format'];
  // Docker's strftime table (moby/moby daemon/logger/awslogs/cloudwatchlogs.go, strftimeToRegex),
  // kept once in core, whose unit tests check the translation against Docker's values. As in
  // Docker, "%." is each directive (not across a line break), an unknown one becomes nothing, the
  // text around it is used as regex text, and the expression is not anchored.
  if (datetime) return compile(datetime.replace(/%./g, (d) => STRFTIME_TO_REGEX[d] ?? ''));
  const pattern = options?.['awslogs-multiline-pattern'];
  return pattern ? compile(pattern) : null;
}

/** The firstline of an Alloy stage.multiline (RE2, matched anywhere in the line), or null. */
export function alloyFirstline(firstline: string): RegExp | null {
  return compile(firstline);
}

/** One shipped entry and how many written lines it holds. */
export interface Joined<T extends LogEntry> {
  readonly entry: T;
  readonly lines: number;
}

/**
 * Groups a batch into entries: a start line (or the batch's first line) opens one; the others are
 * appended with "\n" (`terminator` after the last line too: Docker's awslogs driver ends every line
 * of a multi-line event with "\n", moby collectBatch; Alloy's stage.multiline only separates). A
 * joined entry keeps the first line's time and is not JSON, so it has no level of its own.
 */
export function joinLines<T extends LogEntry>(
  batch: readonly T[],
  start: RegExp,
  terminator: '' | '\n' = '',
): Joined<T>[] {
  const out: { entry: T; parts: string[] }[] = [];
  for (const e of batch) {
    const last = out.at(-1);
    if (last && !start.test(e.line)) last.parts.push(e.line);
    else out.push({ entry: e, parts: [e.line] });
  }
  return out.map(({ entry, parts }) => {
    if (parts.length === 1) return { entry: { ...entry, line: `${entry.line}${terminator}` }, lines: 1 };
    const { level: _level, ...rest } = entry;
    void _level;
    return { entry: { ...rest, line: `${parts.join('\n')}${terminator}` } as T, lines: parts.length };
  });
}
