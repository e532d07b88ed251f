import type { Labels, QueryData } from '../queries/results';
import { capList, isoWindow } from './evidence';
import type { Assessment, TimeWindow } from './types';

/** The canary entry as it was pushed: what the read-back must return, exactly. */
export interface PushedCanary {
  readonly labels: Labels;
  readonly line: string;
  /** Nanoseconds since the epoch, as pushed. */
  readonly timestampNs: string;
}

export interface CanaryInput {
  readonly name?: string;
  readonly query: string;
  readonly pushed: PushedCanary;
  /** The range the read-back asked for. */
  readonly window: TimeWindow;
  /** Loki's answer (a log query: streams). */
  readonly data: QueryData;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

function insideWindow(timestampNs: string, window: TimeWindow): boolean {
  if (!/^\d{1,20}$/.test(timestampNs)) return false;
  const ns = BigInt(timestampNs);
  return (
    ns >= BigInt(Math.trunc(window.startMs)) * 1_000_000n &&
    ns <= BigInt(Math.trunc(window.endMs)) * 1_000_000n
  );
}

/**
 * The canary round trip passed only when Loki returns the very entry that was pushed: the same
 * line (a line that merely contains the nonce, such as one quoting the query, is not it), in a
 * stream with exactly the pushed labels, with the pushed timestamp, inside the queried window.
 * Anything else is `pending` (not stored yet; `settle` fails it at the deadline), with the entries
 * that came back and why each is not the canary in the evidence.
 */
export function assessCanary(input: CanaryInput): Assessment {
  const { pushed, window } = input;
  const returned =
    input.data.resultType === 'streams'
      ? input.data.streams.flatMap((s) => s.entries.map((e) => ({ labels: s.labels, ...e })))
      : [];
  const judged = returned.map((e) => {
    const why: string[] = [];
    if (e.line !== pushed.line) why.push('another line');
    if (!sameLabels(e.labels, pushed.labels)) why.push('other stream labels');
    if (e.timestampNs !== pushed.timestampNs) why.push('another timestamp');
    if (!insideWindow(e.timestampNs, window)) why.push('outside the queried window');
    return { labels: e.labels, line: e.line.slice(0, 200), timestampNs: e.timestampNs, notTheCanary: why };
  });
  const found = judged.some((e) => e.notTheCanary.length === 0);
  const others = judged.filter((e) => e.notTheCanary.length > 0);
  const resultType = input.data.resultType;
  const message = found
    ? `canary line read back by LogQL: same line, labels and timestamp as pushed`
    : resultType !== 'streams'
      ? `canary read-back answered ${resultType}, not log lines`
      : others.length > 0
        ? `canary line not stored yet: ${others.length} line(s) came back but none is the pushed entry (${others[0]!.notTheCanary.join(', ')})`
        : 'canary line pushed but not found yet';
  return {
    name: input.name ?? 'loki-canary',
    verdict: found ? 'passed' : 'pending',
    message,
    evidence: {
      query: input.query,
      window: isoWindow(window),
      values: {
        pushed: { labels: pushed.labels, line: pushed.line, timestampNs: pushed.timestampNs },
        returnedLines: returned.length,
        notTheCanary: capList(others).items,
      },
      threshold:
        'the pushed entry: same line, exactly the pushed labels, the pushed timestamp, inside the window',
    },
  };
}
