import type { ECSClient } from '@aws-sdk/client-ecs';
import type { AuditMeasurement } from '../core/orchestration/audit';
import type { OrderedService } from '../core/plan/resolve';
import type { Plan } from '../core/plan/schema';
import { collectorOf } from '../core/taskdef';
import { logContainersOf } from '../core/taskdef/log-containers';
import { assessDrift, type Assessment } from '../core/verify';
import { assessNoTaskDefinition } from '../core/verify/drift';
import { describeService, describeTaskDefinition, runningTasksOf, type RunningTask } from './adapters/ecs';
import { alloySidecarStates, measureAlloyHealth } from './measure/alloy-health';
import { measureLogs } from './measure/logs';
import { measureMetrics } from './measure/metrics';

/** Why a verify run judges metrics without continuity (shown in the check's message and evidence). */
export const VERIFY_NO_BASELINE =
  'a verify run audits tasks migrated earlier: the series count from before their migration is not kept';

/**
 * The health checks of one migrated service's running tasks at `atMs`: logs per task and container
 * (the containers alloy-rollout recorded on the sidecar), `up` per task and the series count. A
 * task that has run for long is judged on "lines in the last window": assessLogs counts over the
 * plan's logs window ending at `atMs`, and a task older than the deadline without lines is failed
 * at once (core/verify/task-clock), as it would be after a migration. Alloy's own health
 * (`alloy-health`: self-metrics in AMP with each sidecar container's ECS state) is judged over the
 * same window: counters by their increase since its start, restarts inside it.
 */
async function healthChecks(input: {
  readonly plan: Plan;
  readonly service: string;
  readonly tasks: readonly RunningTask[];
  readonly startedAtMs: Readonly<Record<string, number>>;
  readonly logContainers: readonly string[] | undefined;
  readonly atMs: number;
}): Promise<Assessment[]> {
  const { plan, atMs } = input;
  const { verification } = plan;
  const taskArns = input.tasks.map((t) => t.taskArn);
  return Promise.all([
    measureLogs({
      plan,
      service: input.service,
      taskArns,
      taskStarts: { startedAtMs: input.startedAtMs, deadlineMs: verification.logs.deadline },
      atMs,
      logContainers: input.logContainers,
    }),
    measureMetrics({
      plan,
      service: input.service,
      taskArns,
      taskStarts: { startedAtMs: input.startedAtMs, deadlineMs: verification.metrics.deadline },
      baselineSeriesCount: null,
      baseline: undefined,
      atMs,
      noBaseline: VERIFY_NO_BASELINE,
    }),
    measureAlloyHealth({
      plan,
      service: input.service,
      taskArns,
      taskStarts: { startedAtMs: input.startedAtMs, deadlineMs: verification.metrics.deadline },
      atMs,
      sidecars: alloySidecarStates(input.tasks),
      // The same window the logs are judged over: a drop or a restart before it is history.
      sinceMs: atMs - verification.logs.window,
    }),
  ]);
}

/**
 * One service of a verify run, read-only: the revision its ECS service runs (PRIMARY deployment)
 * against what alloy-rollout registered (drift), and, when it has not drifted, the health of the
 * tasks running that revision. A drifted service is not measured further: its cause is known.
 */
export async function auditService(
  plan: Plan,
  svc: OrderedService,
  ecs: ECSClient,
  atMs: number,
): Promise<AuditMeasurement> {
  const service = await describeService(ecs, plan.cluster, svc.ecsService);
  const arn = service.taskDefinition;
  if (!arn)
    return {
      name: svc.name,
      taskDefinitionArn: null,
      collector: null,
      assessments: [assessNoTaskDefinition(svc.name, svc.ecsService)],
    };
  const td = await describeTaskDefinition(ecs, arn);
  const drift = assessDrift({ service: svc.name, taskDefinition: td });
  const base = { name: svc.name, taskDefinitionArn: arn, collector: collectorOf(td) };
  if (drift.verdict === 'failed') return { ...base, assessments: [drift] };
  const tasks = await runningTasksOf(ecs, plan.cluster, svc.ecsService, arn);
  const health = await healthChecks({
    plan,
    service: svc.name,
    tasks,
    startedAtMs: Object.fromEntries(
      tasks.flatMap((t) => (t.startedAtMs !== undefined ? [[t.taskArn, t.startedAtMs]] : [])),
    ),
    logContainers: logContainersOf(td),
    atMs,
  });
  return { ...base, assessments: [drift, ...health] };
}
