import * as z from 'zod';
import { InputInvalidError } from '../core/errors';
import { workItemSchema, type Progress } from '../core/execution';
import {
  causeText,
  checkFromState,
  checkResultSchema,
  failureCauseSchema,
  type PollWindow,
  type StepResult,
  type StepVerdict,
} from '../core/orchestration';
import { parsePlanOrThrow } from '../core/plan/parse';
import { findService, type OrderedService } from '../core/plan/resolve';
import type { Plan } from '../core/plan/schema';
import type { CheckResult, FailureCause } from '../core/report/types';

/** State fields several handlers read. */
export const planField = z.record(z.string(), z.unknown(), {
  error: 'expected the plan document (a mapping)',
});
export const workItemField = workItemSchema;
/** An earlier step's settled check, which the last step of a service copies into its summary. */
export const priorCheckField = z.looseObject({ check: checkResultSchema }).optional();

/** What VerifyShadow left at `$.shadowVerify`: its verdict, its check, the cause if it failed. */
export const shadowVerifyField = z
  .looseObject({ verdict: z.string(), check: checkResultSchema, cause: failureCauseSchema.optional() })
  .optional();

/** The shadow step's check, for the service's record (none when the phase has no shadow step). */
export function shadowChecks(shadow: z.infer<typeof shadowVerifyField>): CheckResult[] {
  return shadow ? [checkFromState(shadow.check)] : [];
}

/** What Verify left at `$.verify`: its last verdict, every check's latest result, the cause if it failed. */
export const verifyField = z
  .looseObject({
    verdict: z.string(),
    checks: z.array(checkResultSchema),
    cause: failureCauseSchema.optional(),
  })
  .optional();

/** The checks of the migration so far (deployment, logs, metrics, plan checks), for a service's record. */
export function verifiedChecks(verify: z.infer<typeof verifyField>): CheckResult[] {
  return (verify?.checks ?? []).map(checkFromState);
}

/** Every Lambda re-validates the plan: the state document could have been edited by hand. */
export function loadPlan(document: unknown): Plan {
  return parsePlanOrThrow(document, 'state.plan');
}

export function servicePlanOf(plan: Plan, name: string): OrderedService {
  const found = findService(plan, name);
  if (!found)
    throw new InputInvalidError(
      `service "${name}" is not in the plan; expected one of the plan's service names`,
      { service: name },
    );
  return found;
}

/** How a poll's verdict shows in the Action's progress stream. */
export function progressStatus(verdict: StepVerdict): Progress['status'] {
  return verdict === 'passed' ? 'ok' : verdict === 'failed' ? 'failed' : 'pending';
}

/** The compact cause of a failed check, which the execution fails with. */
export function failureCause(service: string | undefined, check: CheckResult): FailureCause {
  return {
    ...(service ? { service } : {}),
    check: check.name,
    message: check.message,
    evidence: check.evidence,
  };
}

/** The progress line of a checkpoint's poll (Loki, Grafana): the check's name, message and evidence. */
export function checkProgress(verdict: StepVerdict, check: CheckResult): Progress {
  return {
    step: check.name,
    status: progressStatus(verdict),
    message: check.message,
    evidence: check.evidence,
  };
}

/** What a failed poll carries for the execution's end: the compact cause and its text. */
export function causeFields(
  service: string | undefined,
  check: CheckResult,
): { readonly cause: FailureCause; readonly causeText: string } {
  const cause = failureCause(service, check);
  return { cause, causeText: causeText(cause) };
}

/** A polled step's result, with the compact cause attached when it failed. */
export function stepResult(input: {
  readonly service?: string | undefined;
  readonly step: string;
  readonly verdict: StepVerdict;
  readonly check: CheckResult;
  readonly window: PollWindow;
  readonly waitSeconds: number;
}): StepResult {
  const progress: Progress = {
    ...(input.service ? { service: input.service } : {}),
    step: input.step,
    status: progressStatus(input.verdict),
    message: input.check.message,
    evidence: input.check.evidence,
  };
  const { waitSeconds } = input;
  if (input.verdict !== 'failed')
    return { verdict: input.verdict, check: input.check, window: input.window, waitSeconds, progress };
  const cause = failureCause(input.service, input.check);
  return {
    verdict: input.verdict,
    check: input.check,
    window: input.window,
    waitSeconds,
    progress,
    cause,
    causeText: causeText(cause),
  };
}
