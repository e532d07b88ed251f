import * as z from 'zod';
import { workItemSchema, type Progress } from '../../../core/execution';
import {
  caughtSchema,
  describeCaught,
  flattenDone,
  selectRollbackTargets,
} from '../../../core/orchestration';
import type { ServiceReport } from '../../../core/report/types';
import { parseEvent, taskEventSchema } from '../../event';
import { loadPlan, planField } from '../../shared';

const selectSchema = taskEventSchema(
  ['select'],
  z.looseObject({
    plan: planField,
    preflight: z.looseObject({ work: z.array(workItemSchema) }),
    run: z
      .looseObject({ done: z.unknown(), index: z.number().optional(), count: z.number().optional() })
      .optional(),
    failure: caughtSchema,
    /** The Grafana dashboards step's result, when it is the step that failed. */
    grafanaDashboards: z.looseObject({ failingServices: z.array(z.string()).optional() }).optional(),
  }),
);

export interface SelectResult {
  /**
   * Positions in `$.preflight.work` of the services to roll back, newest first: indices rather
   * than copies keep the parent's state small (RollbackServiceChild looks each one up).
   */
  readonly targets: number[];
  readonly index: 0;
  readonly count: number;
  readonly done: [];
  readonly progress: Progress;
}

/** `select` (parent): which services go back after a child failed. */
export async function select(event: unknown): Promise<SelectResult> {
  const { state } = parseEvent(selectSchema, event, 'Rollback');
  const plan = loadPlan(state.plan);
  const failure = describeCaught(state.failure);
  const done = flattenDone(state.run?.done ?? []) as Pick<ServiceReport, 'name' | 'outcome'>[];
  // Every service passed its child (the loop ran to its end): the failure is a check after the
  // last service (GrafanaDashboards), which rolled nothing back itself.
  const afterRun =
    state.run?.index !== undefined && state.run.count !== undefined && state.run.index >= state.run.count;
  const targets = selectRollbackTargets({
    scope: plan.rollback.scope,
    work: state.preflight.work,
    done,
    failedService: failure.cause.service,
    ...(afterRun ? { failingAfterRun: state.grafanaDashboards?.failingServices ?? [] } : {}),
  });
  return {
    targets: targets.map((t) => state.preflight.work.findIndex((w) => w.name === t.name)),
    index: 0,
    count: targets.length,
    done: [],
    progress: {
      step: 'rollback',
      status: 'info',
      message:
        targets.length > 0
          ? `rolling back ${targets.map((t) => t.name).join(', ')} (scope ${plan.rollback.scope})`
          : `no other service to roll back (scope ${plan.rollback.scope})`,
      evidence: { cause: failure.cause, scope: plan.rollback.scope },
    },
  };
}
