import * as z from 'zod';
import { formatDuration } from '../plan/duration';
import type { CheckResult } from '../report/types';
import { settle, type Assessment } from '../verify';
import type { StepVerdict } from './state';

/**
 * Continuous verification of one service: from the first poll after the update, every poll reads
 * the deployment and, as soon as tasks of the new deployment run, every check. The rules:
 *
 * - `failed` from any check, at any poll, ends the service at once (the next state is the rollback).
 * - `pending` or `error` is answered again at the next poll. A run of such answers longer than the
 *   check's allowance (its plan deadline) is `failed`, as `settle` does for a single check.
 * - `passed` needs every check to have passed at every poll of a whole soak, where the soak counts
 *   from the moment ECS says the deployment completed (its own timestamp, so a poll that sees the
 *   completion late costs nothing). A check that answered anything but `passed` starts the soak
 *   again from its next pass: evidence that went bad for a while is not covered by one later pass.
 * - Interruptions are bounded: when no uninterrupted soak can end by `completion + 2 x soak + the
 *   longest allowance`, the service fails (a flapping check never passes, and never waits forever).
 */

export const checkTrackSchema = z.object({
  name: z.string(),
  /** Time of the first pass of the current run of passes; null while the check is not passing. */
  passingSinceMs: z.number().nullable(),
  /** Time of the first answer of the current run of non-passes; null while the check passes. */
  notPassingSinceMs: z.number().nullable(),
  /** When the check was first answered. */
  firstAnsweredAtMs: z.number(),
  answers: z.number().int().min(0),
  /** How often a check that had passed answered pending or error afterwards. */
  interruptions: z.number().int().min(0),
  lastInterruption: z.object({ atMs: z.number(), verdict: z.string(), message: z.string() }).optional(),
});
export type CheckTrack = z.infer<typeof checkTrackSchema>;

export const verificationStateSchema = z.object({
  /** When the service was updated: the deployment's deadline counts from it. */
  startedAtMs: z.number(),
  polls: z.number().int().min(0),
  /** When the last poll measured (its checks' evaluation time). */
  lastPollAtMs: z.number().optional(),
  /** When ECS says the new deployment completed (its updatedAt); the soak counts from it. */
  completedAtMs: z.number().nullable(),
  checks: z.array(checkTrackSchema),
});
export type VerificationState = z.infer<typeof verificationStateSchema>;

export interface VerificationTiming {
  readonly pollMs: number;
  readonly soakMs: number;
  readonly deploymentTimeoutMs: number;
  /** How long each check may go without passing (its plan deadline), by check name. */
  readonly allowanceMs: Readonly<Record<string, number>>;
}

export interface VerificationPoll {
  readonly nowMs: number;
  /** `assessDeployment` of the new deployment. */
  readonly deployment: Assessment;
  /** Every check's answer at `nowMs`; absent while no task of the new deployment runs. */
  readonly checks?: readonly Assessment[];
}

export interface VerificationStep {
  readonly verdict: StepVerdict;
  readonly state: VerificationState;
  /** The check that decided a failure; otherwise the deployment's or the least advanced check's. */
  readonly check: CheckResult;
  /** The latest result of the deployment and of every check answered so far, in that order. */
  readonly checks: CheckResult[];
  /** Seconds until the next poll: the interval, shortened to land on the soak's end or a deadline. */
  readonly waitSeconds: number;
  /** One line for the progress stream: the deployment, each check, and the soak. */
  readonly summary: string;
}

const MIN_WAIT_MS = 1000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function allowanceOf(timing: VerificationTiming, name: string): number {
  const own = timing.allowanceMs[name];
  if (own !== undefined) return own;
  return Math.max(0, ...Object.values(timing.allowanceMs));
}

/** The track after one more answer, and the failure it calls for, if any. */
function answer(
  previous: CheckTrack | undefined,
  assessment: Assessment,
  nowMs: number,
  allowanceMs: number,
): { track: CheckTrack; failure?: string } {
  const track: CheckTrack = previous
    ? { ...previous, answers: previous.answers + 1 }
    : {
        name: assessment.name,
        passingSinceMs: null,
        notPassingSinceMs: null,
        firstAnsweredAtMs: nowMs,
        answers: 1,
        interruptions: 0,
      };
  if (assessment.verdict === 'failed') return { track, failure: assessment.message };
  if (assessment.verdict === 'passed') {
    return { track: { ...track, passingSinceMs: track.passingSinceMs ?? nowMs, notPassingSinceMs: null } };
  }
  const interrupted = track.passingSinceMs !== null;
  const next: CheckTrack = {
    ...track,
    passingSinceMs: null,
    notPassingSinceMs: track.notPassingSinceMs ?? nowMs,
    ...(interrupted
      ? {
          interruptions: track.interruptions + 1,
          lastInterruption: { atMs: nowMs, verdict: assessment.verdict, message: assessment.message },
        }
      : {}),
  };
  const since = next.notPassingSinceMs ?? nowMs;
  if (nowMs - since >= allowanceMs) {
    return {
      track: next,
      failure: `still ${assessment.verdict} ${formatDuration(nowMs - since)} after ${since === track.firstAnsweredAtMs ? 'its first answer' : 'it last passed'} (allowed ${formatDuration(allowanceMs)}): ${assessment.message}`,
    };
  }
  return { track: next };
}

function continuityEvidence(track: CheckTrack): Record<string, unknown> {
  return {
    answers: track.answers,
    firstAnsweredAt: iso(track.firstAnsweredAtMs),
    passingSince: track.passingSinceMs === null ? null : iso(track.passingSinceMs),
    interruptions: track.interruptions,
    ...(track.lastInterruption
      ? { lastInterruption: { ...track.lastInterruption, at: iso(track.lastInterruption.atMs) } }
      : {}),
  };
}

function interruptionText(track: CheckTrack): string {
  const last = track.lastInterruption;
  if (track.interruptions === 0 || !last) return '';
  return ` (interrupted ${track.interruptions} time(s), last at ${iso(last.atMs)}: ${last.verdict}: ${last.message})`;
}

function checkResult(
  assessment: Assessment,
  track: CheckTrack,
  nowMs: number,
  verdict: CheckResult['verdict'],
  message: string,
): CheckResult {
  return {
    name: assessment.name,
    verdict,
    message,
    evidence: { ...assessment.evidence, continuity: continuityEvidence(track) },
    durationMs: Math.max(0, nowMs - track.firstAnsweredAtMs),
    attempts: track.answers,
  };
}

/**
 * Once the deployment has completed, a poll that finds no running task of the new revision (tasks
 * crash-looping, scaled to zero) is a `pending` answer of every check: it breaks the soak, and a
 * run of it longer than a check's allowance fails the service. Before completion there is simply
 * nothing to check yet (the deployment's own deadline applies).
 */
function noTaskAnswers(completedAtMs: number | null, timing: VerificationTiming): Assessment[] {
  if (completedAtMs === null) return [];
  return Object.keys(timing.allowanceMs).map((name) => ({
    name,
    verdict: 'pending',
    message: 'no running task of the new deployment to check',
    evidence: { query: 'ecs:ListTasks desiredStatus=RUNNING' },
  }));
}

/** One poll of continuous verification: the new state and what the state machine does next. */
export function advanceVerification(
  previous: VerificationState | undefined,
  poll: VerificationPoll,
  timing: VerificationTiming & { readonly startedAtMs: number },
): VerificationStep {
  const { nowMs } = poll;
  const polls = (previous?.polls ?? 0) + 1;
  let completedAtMs = previous?.completedAtMs ?? null;

  // The deployment: its own deadline until ECS says it completed; after that only a failure counts
  // (another deployment replaced it, the service went away). A task replaced later is the checks'.
  const settledDeployment = settle(poll.deployment, {
    startedAtMs: timing.startedAtMs,
    nowMs,
    deadlineMs: timing.deploymentTimeoutMs,
    attempts: polls,
  }).result;
  const deployment: CheckResult =
    completedAtMs !== null && settledDeployment.verdict !== 'failed'
      ? { ...settledDeployment, verdict: 'passed' }
      : settledDeployment;
  // Never before the update: a service that already ran the revision (nothing was deployed) shows
  // a deployment that completed long ago, and its soak starts now, not then.
  if (completedAtMs === null && deployment.verdict === 'passed')
    completedAtMs = Math.max(timing.startedAtMs, Math.min(nowMs, poll.deployment.evidenceAtMs ?? nowMs));

  const tracks = new Map((previous?.checks ?? []).map((t) => [t.name, t]));
  const results: CheckResult[] = [];
  let failed: CheckResult | undefined = deployment.verdict === 'failed' ? deployment : undefined;
  for (const assessment of poll.checks ?? noTaskAnswers(completedAtMs, timing)) {
    const { track, failure } = answer(
      tracks.get(assessment.name),
      assessment,
      nowMs,
      allowanceOf(timing, assessment.name),
    );
    tracks.set(assessment.name, track);
    const result = failure
      ? checkResult(assessment, track, nowMs, 'failed', failure + interruptionText(track))
      : checkResult(
          assessment,
          track,
          nowMs,
          assessment.verdict,
          assessment.message + interruptionText(track),
        );
    results.push(result);
    failed ??= failure ? result : undefined;
  }
  const state: VerificationState = {
    startedAtMs: timing.startedAtMs,
    polls,
    lastPollAtMs: nowMs,
    completedAtMs,
    checks: [...tracks.values()],
  };
  const checks = [deployment, ...results];
  const done = (verdict: StepVerdict, check: CheckResult, summary: string, waitMs = timing.pollMs) => ({
    verdict,
    state,
    check,
    checks,
    waitSeconds: Math.max(1, Math.ceil(Math.max(MIN_WAIT_MS, waitMs) / 1000)),
    summary,
  });
  const lines = checks.map((c) => `${c.name} ${c.verdict}`).join(', ');

  if (failed) return done('failed', failed, `${failed.name} failed: ${failed.message}`);

  const answered = results.length > 0;
  // A per-task absence deadline ahead of the interval brings the next poll forward to it.
  const nextDeadlineMs = Math.min(
    ...(poll.checks ?? []).flatMap((c) => (c.nextDeadlineMs !== undefined ? [c.nextDeadlineMs] : [])),
  );
  if (completedAtMs === null || !answered) {
    const waitMs = Math.min(
      timing.pollMs,
      timing.startedAtMs + timing.deploymentTimeoutMs - nowMs,
      nextDeadlineMs - nowMs,
    );
    const shown = results.find((r) => r.verdict !== 'passed') ?? deployment;
    const tasks = answered ? '' : '; no task of the new deployment runs yet';
    return done('pending', shown, `${lines}${tasks}`, waitMs);
  }

  const trackList = [...tracks.values()];
  const allPassing = trackList.every((t) => t.passingSinceMs !== null);
  const soakStartMs = allPassing
    ? Math.max(completedAtMs, ...trackList.map((t) => t.passingSinceMs ?? completedAtMs ?? nowMs))
    : nowMs;
  const soakEndMs = soakStartMs + timing.soakMs;
  const boundMs = completedAtMs + 2 * timing.soakMs + Math.max(0, ...Object.values(timing.allowanceMs));
  const soakedMs = Math.max(0, Math.min(nowMs, soakEndMs) - soakStartMs);
  const soaked = `soak ${formatDuration(Math.floor(soakedMs / 1000) * 1000)} of ${formatDuration(timing.soakMs)}`;

  // A check that passes with a part not judged yet (a task too young for its scrape cadence) has
  // counted for the soak; the service passes only once that part is judged, by the bound at most.
  const open = allPassing ? (poll.checks ?? []).filter((c) => c.verdict === 'passed' && c.inconclusive) : [];
  if (allPassing && nowMs >= soakEndMs && open.length > 0) {
    const first = open[0]!;
    const shown = results.find((r) => r.name === first.name) ?? deployment;
    if (nowMs >= boundMs) {
      const message = `soak of ${formatDuration(timing.soakMs)} passed, but ${first.name} could not be judged by ${iso(boundMs)} (completion + 2 x soak + the longest deadline): ${first.inconclusive ?? ''}`;
      const failedCheck: CheckResult = { ...shown, verdict: 'failed', message };
      return done('failed', failedCheck, `${failedCheck.name} failed: ${message}`);
    }
    const waitMs = Math.min(timing.pollMs, boundMs - nowMs, nextDeadlineMs - nowMs);
    return done(
      'pending',
      shown,
      `${lines}; ${soaked}; waiting for ${first.name}: ${first.inconclusive ?? ''}`,
      waitMs,
    );
  }
  if (allPassing && nowMs >= soakEndMs) {
    const interrupted = trackList.filter((t) => t.interruptions > 0).map((t) => t.name);
    const note = interrupted.length > 0 ? `; interrupted before: ${interrupted.join(', ')}` : '';
    return done(
      'passed',
      results[results.length - 1] ?? deployment,
      `every check passed without a break for ${formatDuration(timing.soakMs)} since ${iso(soakStartMs)}${note}`,
    );
  }
  const earliestPassMs = allPassing ? soakEndMs : nowMs + timing.soakMs;
  if (earliestPassMs > boundMs) {
    const culprit =
      trackList.find((t) => t.passingSinceMs === null) ??
      [...trackList].sort((a, b) => (b.passingSinceMs ?? 0) - (a.passingSinceMs ?? 0))[0];
    const result = results.find((r) => r.name === culprit?.name) ?? deployment;
    const message = `no uninterrupted ${formatDuration(timing.soakMs)} of passing checks can end by ${iso(boundMs)} (completion + 2 x soak + the longest deadline): ${result.name} ${culprit?.passingSinceMs === null ? 'is not passing' : `passes only since ${iso(culprit?.passingSinceMs ?? nowMs)}`}${culprit ? interruptionText(culprit) : ''}; last answer: ${result.message}`;
    const failedCheck: CheckResult = { ...result, verdict: 'failed', message };
    return done('failed', failedCheck, `${failedCheck.name} failed: ${message}`);
  }
  const waitMs = Math.min(timing.pollMs, (allPassing ? soakEndMs : boundMs) - nowMs, nextDeadlineMs - nowMs);
  const shown = results.find((r) => r.verdict !== 'passed') ?? results[results.length - 1] ?? deployment;
  return done('pending', shown, `${lines}; ${soaked}`, waitMs);
}
