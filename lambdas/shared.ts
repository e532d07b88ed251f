import { z } from 'zod';
import { InputInvalidError } from '../core/errors';
import { workItemSchema, type Progress } from '../core/execution';
import {
  causeText,
  checkResultSchema,
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

/** A polled step's result, with the compact cause attached when it failed. */
export function stepResult(input: {
  readonly service?: string | undefined;
  readonly step: string;
  readonly verdict: StepVerdict;
  readonly check: CheckResult;
  readonly window: PollWindow;
}): StepResult {
  const status: Progress['status'] =
    input.verdict === 'passed' ? 'ok' : input.verdict === 'failed' ? 'failed' : 'pending';
  const progress: Progress = {
    ...(input.service ? { service: input.service } : {}),
    step: input.step,
    status,
    message: input.check.message,
    evidence: input.check.evidence,
  };
  if (input.verdict !== 'failed')
    return { verdict: input.verdict, check: input.check, window: input.window, progress };
  const cause: FailureCause = {
    ...(input.service ? { service: input.service } : {}),
    check: input.check.name,
    message: input.check.message,
    evidence: input.check.evidence,
  };
  return {
    verdict: input.verdict,
    check: input.check,
    window: input.window,
    progress,
    cause,
    causeText: causeText(cause),
  };
}
