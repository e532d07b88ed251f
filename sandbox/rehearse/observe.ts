import { orderedServices } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import { LOCK_ATTRIBUTES } from '../../core/orchestration/lock';
import { SINGLE_TENANT } from '../loki';
import type { Task } from '../ecs/model';
import type { Sandbox } from '../sandbox';
import { shapeOf } from '../workload/containers';
import { observeChildren, type ChildrenObservation } from './children';
import { logsReceivedBy, runningStateOf } from './running-state';

/** What the sandbox shows about one service at the end of a rehearsal. */
export interface ServiceObservation {
  readonly name: string;
  readonly ecsService: string;
  /** The revision the service names (what it is being moved to, not necessarily what runs). */
  readonly taskDefinition: string;
  /** The revisions its RUNNING tasks were started from: what the final fields describe. */
  readonly runningTaskDefinitions: string[];
  /** Absent when no task runs; `mixed` when running tasks differ. */
  readonly finalCollector?: 'alloy' | 'adot' | 'mixed';
  readonly finalLogDriver?: 'json-file' | 'awslogs' | 'mixed';
  readonly logsReceivedBy: 'loki' | 'cloudwatch' | 'both' | 'none';
  readonly runningTasks: number;
  /** Lines seen in each store since the observation started. */
  readonly lines: { readonly loki: number; readonly cloudwatch: number };
  /** Every task of the service that ran with the Alloy sidecar during the rehearsal, stopped or not. */
  readonly alloyTasks: readonly AlloyTaskObservation[];
  /** The service's deployment circuit breaker at the end (the plan's safetyNet sets it). */
  readonly circuitBreaker: { readonly enable: boolean; readonly rollback: boolean };
  /** Deployments ECS's circuit breaker rolled back by itself during the rehearsal. */
  readonly circuitBreakerRollbacks: number;
}

/** What became of one Alloy task's json-file lines, over its whole life. */
export interface AlloyTaskObservation {
  readonly taskId: string;
  readonly lastStatus: string;
  /** Lines its application containers wrote to json-file. */
  readonly written: number;
  /** Lines Loki holds under its `task_id`: equal to `written` when no line was lost. */
  readonly inLoki: number;
  /** Times its sidecar exited on its own, and times ECS restarted it. */
  readonly sidecarExits: number;
  readonly sidecarRestarts: number;
}

export interface Observation {
  readonly services: ServiceObservation[];
  /** No lock item of this execution is left in the lock table. */
  readonly lockReleased: boolean;
  readonly lockItem?: Record<string, unknown>;
  /** The run's child executions (one per service migrated or rolled back) and its lost child starts. */
  readonly executions?: ChildrenObservation;
}

/** Simulated time the observation waits for fresh lines: several log periods of every task. */
const OBSERVE_MS = 30_000;

/**
 * Looks at the sandbox, not at the report: what each service's RUNNING tasks are (the task
 * definitions they were started from), and which store receives their lines during a short window
 * after the rollout ended.
 */
export async function observe(
  sandbox: Sandbox,
  plan: Plan,
  executionArn: string | undefined,
): Promise<Observation> {
  const since = sandbox.clock.now();
  await sandbox.clock.sleep(OBSERVE_MS);
  const cluster = sandbox.ecs.cluster(plan.cluster);
  const services: ServiceObservation[] = [];
  for (const s of orderedServices(plan)) {
    const service = sandbox.ecs.service(cluster, s.ecsService);
    const running = sandbox.ecs.scheduler
      .tasksOf(service)
      .filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const runningTds = running.map((t) => sandbox.ecs.taskDefinitions.resolve(t.taskDefinitionArn));
    const ids = running.map((t) => t.id);
    const loki = lokiLines(sandbox, plan, s.name, since);
    const groups = new Set(
      runningTds
        .flatMap((td) => shapeOf(td).mainContainers)
        .flatMap((c) =>
          c.logConfiguration?.logDriver === 'awslogs'
            ? [c.logConfiguration.options?.['awslogs-group'] ?? '']
            : [],
        ),
    );
    const cloudwatch = [...groups].reduce(
      (n, g) =>
        n +
        sandbox.logs.recentEvents(
          g,
          since,
          ids.map((id) => `/${id}`),
        ),
      0,
    );
    services.push({
      name: s.name,
      ecsService: s.ecsService,
      taskDefinition: service.taskDefinitionArn,
      runningTaskDefinitions: [...new Set(runningTds.map((td) => td.taskDefinitionArn))],
      ...runningStateOf(runningTds),
      logsReceivedBy: logsReceivedBy({ loki, cloudwatch }),
      runningTasks: running.length,
      lines: { loki, cloudwatch },
      alloyTasks: alloyTasks(sandbox, plan, sandbox.ecs.scheduler.tasksOf(service)),
      circuitBreaker: { ...service.deploymentConfiguration.deploymentCircuitBreaker },
      circuitBreakerRollbacks: service.events.filter((e) => / rolling back to deployment /.test(e.message))
        .length,
    });
  }
  const lockItem = sandbox.dynamodb.items(sandbox.lockTableName).find((i) => {
    const key = i[LOCK_ATTRIBUTES.key];
    return !!key && 'S' in key && key.S === plan.cluster;
  });
  const owner = lockItem?.[LOCK_ATTRIBUTES.owner];
  const ours = !!lockItem && !!executionArn && !!owner && 'S' in owner && owner.S === executionArn;
  return {
    services,
    lockReleased: !ours,
    ...(lockItem ? { lockItem } : {}),
    ...(executionArn ? { executions: observeChildren(sandbox, executionArn) } : {}),
  };
}

/** The json-file lines of each task that ran on Alloy, against what Loki holds under its task_id. */
function alloyTasks(sandbox: Sandbox, plan: Plan, tasks: readonly Task[]): AlloyTaskObservation[] {
  const tenant = plan.loki.tenant ?? SINGLE_TENANT;
  return tasks.flatMap((t) => {
    const lines = sandbox.workload.linesOf(t.id);
    const td = sandbox.ecs.taskDefinitions.resolve(t.taskDefinitionArn);
    if (!lines || shapeOf(td).collector !== 'alloy') return [];
    const streams = sandbox.loki.select(tenant, [{ name: 'task_id', matches: (v) => v === t.id }]);
    return [
      {
        taskId: t.id,
        lastStatus: t.lastStatus,
        written: lines.written,
        inLoki: streams.reduce((n, st) => n + st.entries.length, 0),
        sidecarExits: lines.sidecarExits,
        sidecarRestarts: lines.sidecarRestarts,
      },
    ];
  });
}

/** Lines with this service_name pushed to Loki since `sinceMs`, in the plan's tenant. */
function lokiLines(sandbox: Sandbox, plan: Plan, serviceName: string, sinceMs: number): number {
  const tenant = plan.loki.tenant ?? SINGLE_TENANT;
  const sinceNs = BigInt(Math.floor(sinceMs)) * 1_000_000n;
  const streams = sandbox.loki.select(tenant, [{ name: 'service_name', matches: (v) => v === serviceName }]);
  return streams.reduce((n, st) => n + st.entries.filter((e) => e[0] >= sinceNs).length, 0);
}
