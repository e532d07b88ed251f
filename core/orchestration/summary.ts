import type { WorkItem } from '../execution';
import type { CheckResult, ServiceReport } from '../report/types';
import { finalStateOf } from './parent-record';

/**
 * What a child hands its parent for the report: the service's outcome, revisions and checks.
 * The collector and driver are inferred from the revision the service ended on (the sandbox's
 * rehearse observes them instead).
 */
export function serviceSummary(input: {
  readonly service: WorkItem;
  /** `failed`: a rollback that gave up; nothing is inferred about where the service ended. */
  readonly outcome: 'migrated' | 'rolled-back' | 'failed';
  readonly taskDefinitionAfter: string;
  readonly checks: readonly (CheckResult | undefined)[];
  readonly startedAt?: string | undefined;
  readonly finishedAt: string;
  readonly warnings?: readonly string[] | undefined;
}): ServiceReport {
  return {
    name: input.service.name,
    phase: input.service.phase,
    ecsService: input.service.ecsService,
    outcome: input.outcome,
    taskDefinitionBefore: input.service.taskDefinitionArn,
    taskDefinitionAfter: input.taskDefinitionAfter,
    ...finalStateOf(input.outcome),
    checks: input.checks.filter((c): c is CheckResult => c !== undefined),
    ...(input.warnings && input.warnings.length > 0 ? { warnings: [...input.warnings] } : {}),
    ...(input.startedAt ? { startedAt: input.startedAt } : {}),
    finishedAt: input.finishedAt,
  };
}
