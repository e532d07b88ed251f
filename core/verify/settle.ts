import { InputInvalidError } from '../errors';
import { formatDuration } from '../plan/duration';
import type { CheckResult } from '../report/types';
import type { Assessment } from './types';

export interface SettleClock {
  /** When the check started being measured (first attempt), epoch ms. */
  readonly startedAtMs: number;
  readonly nowMs: number;
  /** How long the check may take, measured from startedAtMs (the plan's `deadline`), in ms. */
  readonly deadlineMs: number;
  /** Attempts so far including this one, recorded in the result when given. */
  readonly attempts?: number;
}

export type SettleDecision = 'retry' | 'final';

export interface Settled {
  /** `retry`: poll again after the interval; `final`: the result is the check's last word. */
  readonly decision: SettleDecision;
  readonly result: CheckResult;
}

// Anything longer than this cannot be a check's allowance: it is an epoch timestamp passed by mistake.
const MAX_DEADLINE_MS = 100 * 24 * 3_600_000;

/**
 * Turns an assessment into the check's result at this moment. `pending` and `error` are retried
 * until the deadline; at or after it they become `failed` (an error that never cleared is a
 * failure too), with the deadline and the last verdict in the evidence. The deadline means "by
 * then": a `passed` measured after it is `failed` too, however the polls happened to fall, so
 * callers measure at the deadline at the latest (`evaluationTime` in core/orchestration).
 */
export function settle(assessment: Assessment, clock: SettleClock): Settled {
  const { startedAtMs, nowMs, deadlineMs } = clock;
  if (!Number.isFinite(deadlineMs) || deadlineMs < 0 || deadlineMs > MAX_DEADLINE_MS) {
    throw new InputInvalidError(
      `deadlineMs must be the time allowed since startedAtMs in ms (e.g. 30000 for "30s"), got ${deadlineMs}`,
    );
  }
  if (!Number.isFinite(startedAtMs) || !Number.isFinite(nowMs)) {
    throw new InputInvalidError(
      `startedAtMs and nowMs must be epoch milliseconds, got ${startedAtMs} and ${nowMs}`,
    );
  }
  const durationMs = Math.max(0, nowMs - startedAtMs);
  const deadlineAtMs = startedAtMs + deadlineMs;
  const deadline = { at: new Date(deadlineAtMs).toISOString(), after: formatDuration(deadlineMs) };
  const base = {
    name: assessment.name,
    durationMs,
    ...(clock.attempts !== undefined ? { attempts: clock.attempts } : {}),
  };

  // A state read after the deadline may still prove it was reached in time (an ECS deployment
  // says when it completed); anything else counts from when it was measured.
  const evidenceAtMs = Math.min(nowMs, assessment.evidenceAtMs ?? nowMs);
  if (assessment.verdict === 'passed' && evidenceAtMs > deadlineAtMs) {
    return {
      decision: 'final',
      result: {
        ...base,
        verdict: 'failed',
        message: `passed only at ${new Date(nowMs).toISOString()}, after the deadline (${deadline.at}, ${deadline.after} after start): ${assessment.message}`,
        evidence: {
          ...assessment.evidence,
          deadline,
          lastVerdict: 'passed',
          measuredAt: new Date(nowMs).toISOString(),
        },
      },
    };
  }
  if (assessment.verdict === 'passed' || assessment.verdict === 'failed') {
    return {
      decision: 'final',
      result: {
        ...base,
        verdict: assessment.verdict,
        message: assessment.message,
        evidence: { ...assessment.evidence, deadline },
      },
    };
  }
  if (nowMs < deadlineAtMs) {
    return {
      decision: 'retry',
      result: {
        ...base,
        verdict: assessment.verdict,
        message: assessment.message,
        evidence: { ...assessment.evidence, deadline, remainingMs: deadlineAtMs - nowMs },
      },
    };
  }
  return {
    decision: 'final',
    result: {
      ...base,
      verdict: 'failed',
      message: `still ${assessment.verdict} at the deadline (${deadline.after} after start): ${assessment.message}`,
      evidence: { ...assessment.evidence, deadline, lastVerdict: assessment.verdict },
    },
  };
}
