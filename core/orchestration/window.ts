import type { Timing } from '../execution';
import type { Plan } from '../plan/schema';
import { settle, type Assessment } from '../verify';
import type { CheckResult } from '../report/types';
import type { PollWindow, StepVerdict } from './state';

/** Wait durations for the state machine: whole seconds, at least one second between polls. */
export function timingFromPlan(plan: Plan): Timing {
  return {
    pollSeconds: Math.max(1, Math.round(plan.verification.pollInterval / 1000)),
    soakSeconds: Math.max(0, Math.round(plan.verification.soak / 1000)),
  };
}

/** The first poll opens the window; later polls keep its start and allowance and count attempts. */
export function nextWindow(previous: PollWindow | undefined, nowMs: number, allowanceMs: number): PollWindow {
  if (!previous) return { startedAtMs: nowMs, allowanceMs, attempts: 1 };
  return { ...previous, attempts: previous.attempts + 1 };
}

/** When the window's allowance runs out, epoch ms. */
export function deadlineOf(window: PollWindow): number {
  return window.startedAtMs + window.allowanceMs;
}

/**
 * The time a poll measures at: now, but never later than the deadline. Loki and Prometheus answer
 * for any requested time, so a poll that lands after the deadline still judges the evidence as it
 * stood at the deadline: what arrived later is never counted, and what was there in time is.
 */
export function evaluationTime(window: PollWindow, nowMs: number): number {
  return Math.min(nowMs, deadlineOf(window));
}

/**
 * Seconds the state machine waits before the next poll: the poll interval, shortened so that the
 * last poll lands at the deadline rather than up to a whole interval after it. At least one second
 * (the Wait state's unit), and one second once the deadline has passed (the next poll settles).
 */
export function nextPollSeconds(window: PollWindow, nowMs: number, pollSeconds: number): number {
  const remainingSeconds = Math.ceil((deadlineOf(window) - nowMs) / 1000);
  return Math.max(1, Math.min(pollSeconds, remainingSeconds));
}

/**
 * The deadline rule of every polled step (core/verify `settle`): pending and error are polled
 * again until the window's allowance is spent, then they count as failed.
 */
export function settleStep(
  assessment: Assessment,
  window: PollWindow,
  nowMs: number,
): { verdict: StepVerdict; check: CheckResult } {
  const settled = settle(assessment, {
    startedAtMs: window.startedAtMs,
    nowMs,
    deadlineMs: window.allowanceMs,
    attempts: window.attempts,
  });
  const verdict: StepVerdict =
    settled.decision === 'retry' ? 'pending' : settled.result.verdict === 'passed' ? 'passed' : 'failed';
  return { verdict, check: settled.result };
}
