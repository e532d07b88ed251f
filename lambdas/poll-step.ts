import {
  nextPollSeconds,
  settleStep,
  timingFromPlan,
  type PollWindow,
  type StepResult,
} from '../core/orchestration';
import type { Plan } from '../core/plan/schema';
import type { OrderedService } from '../core/plan/resolve';
import type { Assessment } from '../core/verify';
import type { Service } from '@aws-sdk/client-ecs';
import { describeService, runningTasksOf, type RunningTask } from './adapters/ecs';
import { createEcsClient } from './clients/aws-ecs';
import { loadPlan, servicePlanOf, stepResult } from './shared';

/** What a polled check of one service works with. */
export interface CheckedService {
  readonly plan: Plan;
  readonly svc: OrderedService;
  /** Running tasks of the deployment under check, as task ARNs. */
  readonly taskArns: string[];
}

/**
 * The plan, the service's entry and the running tasks of the deployment a
 * check looks at (the new one after an update, the baseline one after a rollback).
 */
export async function loadCheckedService(
  state: { readonly plan: unknown; readonly service: { readonly name: string } },
  taskDefinitionArn: string,
): Promise<CheckedService> {
  const plan = loadPlan(state.plan);
  const svc = servicePlanOf(plan, state.service.name);
  const tasks = await runningTasksOf(
    createEcsClient(plan.region),
    plan.cluster,
    svc.ecsService,
    taskDefinitionArn,
  );
  return { plan, svc, taskArns: tasks.map((t) => t.taskArn) };
}

/**
 * The deployment a verify step polls, read from ECS at once: the service (its deployments, for
 * core's assessDeployment) and its RUNNING tasks on the revision under check.
 */
export async function readDeployment(
  plan: Plan,
  svc: OrderedService,
  taskDefinitionArn: string,
): Promise<{ readonly service: Service; readonly tasks: RunningTask[] }> {
  const ecs = createEcsClient(plan.region);
  const [service, tasks] = await Promise.all([
    describeService(ecs, plan.cluster, svc.ecsService),
    runningTasksOf(ecs, plan.cluster, svc.ecsService, taskDefinitionArn),
  ]);
  return { service, tasks };
}

/**
 * One poll of a step: settles the assessment against the window's deadline and shapes the
 * step's result (progress, the wait before the next poll, and the cause when it failed). Every
 * polled step ends this way. `measuredAtMs` is when the evidence was measured (queries are
 * evaluated at the deadline at the latest), `nowMs` the wall clock the next wait counts from.
 */
export function pollStep(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly step: string;
  readonly assessment: Assessment;
  readonly window: PollWindow;
  readonly nowMs: number;
  readonly measuredAtMs?: number;
}): StepResult {
  const { verdict, check } = settleStep(input.assessment, input.window, input.measuredAtMs ?? input.nowMs);
  return stepResult({
    service: input.service,
    step: input.step,
    verdict,
    check,
    window: input.window,
    waitSeconds: nextPollSeconds(input.window, input.nowMs, timingFromPlan(input.plan).pollSeconds),
  });
}
