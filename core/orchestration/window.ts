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
