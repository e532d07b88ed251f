import { parseDuration } from '../core/plan/duration';
import type { HistoryEventLike } from './history';

/**
 * What a service child's Verify polls say about its migration, on the product's own clock (the
 * times the Lambdas measured with): when the update was made, when ECS completed the deployment,
 * when the soak started (completion, or later when a check was not yet passing), when the verdict
 * came, and when the first poll saw the completion. Reading these from the polls' outputs keeps
 * every figure on one clock, whatever the sandbox does with history timestamps.
 */
export interface VerifyTimeline {
  readonly registerStartedAtMs: number | null;
  readonly updatedAtMs: number;
  readonly completedAtMs: number | null;
  /** When the first poll that knew of the completion ran. */
  readonly completionSeenAtMs: number | null;
  readonly soakStartMs: number | null;
  readonly soakMs: number;
  readonly verdict: string;
  readonly verdictAtMs: number;
  readonly polls: number;
  /** `<check>: <message>` of every pending or error answer, digits masked, with how many polls gave it. */
  readonly notPassing: Readonly<Record<string, number>>;
}

interface VerifyOutput {
  readonly verdict?: string;
  readonly checks?: readonly { name: string; verdict: string; message: string }[];
  readonly verification?: {
    readonly startedAtMs: number;
    readonly polls: number;
    readonly lastPollAtMs?: number;
    readonly completedAtMs: number | null;
    readonly checks: readonly { name: string; passingSinceMs: number | null }[];
  };
}

function parse<T>(data: string | undefined): T | undefined {
  if (!data) return undefined;
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}

const masked = (text: string) =>
  text
    .replace(/[0-9a-f]{32}/g, '<task>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/\d+(\.\d+)?/g, 'N');

/** The timeline of one child execution of mode service-migrate, or undefined when it never polled. */
export function verifyTimeline(events: readonly HistoryEventLike[]): VerifyTimeline | undefined {
  const started = parse<{ plan?: { verification?: { soak?: unknown } } }>(
    events.find((e) => e.type === 'ExecutionStarted')?.data,
  );
  const soak = started?.plan?.verification?.soak;
  const soakMs = typeof soak === 'string' ? (parseDuration(soak) ?? 0) : typeof soak === 'number' ? soak : 0;
  const outputs = events
    .filter((e) => e.type === 'TaskStateExited' && e.stateName === 'Verify')
    .map((e) => parse<{ verify?: VerifyOutput; register?: { startedAt?: string } }>(e.data))
    .filter(
      (o): o is { verify: VerifyOutput; register?: { startedAt?: string } } => !!o?.verify?.verification,
    );
  const last = outputs.at(-1);
  const state = last?.verify.verification;
  if (!last || !state) return undefined;
  const notPassing: Record<string, number> = {};
  for (const o of outputs)
    for (const c of o.verify.checks ?? [])
      if (c.verdict === 'pending' || c.verdict === 'error') {
        const key = `${c.name}: ${masked(c.message)}`;
        notPassing[key] = (notPassing[key] ?? 0) + 1;
      }
  const seen = outputs.find((o) => o.verify.verification?.completedAtMs != null)?.verify.verification;
  const passing = state.checks.map((c) => c.passingSinceMs);
  const soakStartMs =
    state.completedAtMs !== null && passing.length > 0 && passing.every((p) => p !== null)
      ? Math.max(state.completedAtMs, ...(passing as number[]))
      : null;
  const registerStartedAt = last.register?.startedAt ? Date.parse(last.register.startedAt) : Number.NaN;
  return {
    registerStartedAtMs: Number.isFinite(registerStartedAt) ? registerStartedAt : null,
    updatedAtMs: state.startedAtMs,
    completedAtMs: state.completedAtMs,
    completionSeenAtMs: seen?.lastPollAtMs ?? null,
    soakStartMs,
    soakMs,
    verdict: last.verify.verdict ?? 'unknown',
    verdictAtMs: state.lastPollAtMs ?? state.startedAtMs,
    polls: state.polls,
    notPassing,
  };
}
