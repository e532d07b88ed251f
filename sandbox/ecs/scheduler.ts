import type { SimClock } from '../clock';
import { CONTAINER_TIMING, restartDecision, SIGKILL_EXIT_CODE, stopTimeoutMs } from './container-lifecycle';
import {
  Arns,
  deploymentId,
  hexId,
  type Deployment,
  type Service,
  type Task,
  type TaskDefinition,
} from './model';

/** Simulated durations of the ECS agent and scheduler, in simulated milliseconds. */
export const ECS_TIMING = {
  /** How often the service scheduler looks at each service. */
  tickMs: 5_000,
  /** PROVISIONING -> RUNNING for a healthy task (image pull, container start, health check). */
  startMs: 20_000,
  /** How long a task that cannot start lingers before it is STOPPED. */
  failStartMs: 12_000,
  /**
   * A task's stop when its containers exit promptly: DEACTIVATING for half (load balancer
   * deregistration), then SIGTERM and STOPPING for at least the other half. A container that takes
   * longer to exit (a draining sidecar) keeps the task STOPPING until it exits or its stop timeout.
   */
  stopMs: 10_000,
} as const;

/** Why a task cannot start, decided by the workload simulation (logging, secrets, faults). */
export interface StartProblem {
  readonly reason: string;
  readonly stopCode: 'TaskFailedToStart' | 'EssentialContainerExited';
}

/** Picks a container instance with room for the task, or says why none fits. */
export type Placement = (
  service: Service,
  td: TaskDefinition,
  need: { cpu: number; memory: number },
) => { instanceArn: string } | { reason: string };

/** What the ECS agent hears from inside a running task. */
export interface ContainerAgent {
  /**
   * A container exited on its own (a crash). The agent applies its restart policy, or stops the task
   * when the container is essential; a non-essential one stays stopped.
   */
  exited(container: string, exitCode: number, reason: string): void;
}

export interface SchedulerHooks {
  /** Called when a task is launched; a problem makes it fail and count towards the circuit breaker. */
  startProblem(
    task: Task,
    td: TaskDefinition,
    service: Service,
    deployment: Deployment,
  ): StartProblem | undefined;
  onRunning(task: Task, td: TaskDefinition, agent: ContainerAgent): void;
  /**
   * SIGTERM reached every running container of the task at once (main containers do not depend on
   * the sidecar). Answers how long each takes to exit, in simulated ms; an absent one exits at once.
   * ECS kills a container still running at its stopTimeout.
   */
  onSigterm(task: Task): Readonly<Record<string, number>>;
  /** A container exited during the task's stop: 0 when it ended on its own, 137 when it was killed. */
  onContainerStopped(task: Task, container: string, exitCode: number): void;
  /** The restart policy brought a container that had exited back. */
  onContainerRestarted(task: Task, container: string): void;
  onStopped(task: Task): void;
}

/**
 * The service scheduler: rolling deployments that respect minimum healthy / maximum percent,
 * task launches and stops on the simulated clock, and the deployment circuit breaker.
 */
export class Scheduler {
  readonly tasks = new Map<string, Task>();
  private readonly ticking = new Map<string, () => void>();

  constructor(
    private readonly arns: Arns,
    private readonly clock: SimClock,
    private readonly resolveTd: (arn: string) => TaskDefinition,
    private readonly hooks: SchedulerHooks,
    private readonly place: Placement,
  ) {}

  event(service: Service, message: string): void {
    service.events.unshift({
      id: hexId(18).slice(0, 36),
      createdAt: this.clock.now(),
      message: `(service ${service.serviceName}) ${message}`,
    });
    if (service.events.length > 100) service.events.length = 100;
  }

  newDeployment(service: Service, taskDefinitionArn: string): Deployment {
    const now = this.clock.now();
    for (const d of service.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    const deployment: Deployment = {
      id: deploymentId(),
      status: 'PRIMARY',
      taskDefinitionArn,
      desiredCount: service.desiredCount,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment in progress.',
    };
    service.deployments.unshift(deployment);
    service.taskDefinitionArn = taskDefinitionArn;
    this.event(service, `has started deployment ${deployment.id} with task definition ${taskDefinitionArn}.`);
    this.watch(service);
    return deployment;
  }

  /** Starts the periodic look at a service (idempotent). */
  watch(service: Service): void {
    const key = service.serviceArn;
    if (this.ticking.has(key)) return;
    this.ticking.set(
      key,
      this.clock.every(ECS_TIMING.tickMs, () => this.tick(service)),
    );
    this.tick(service);
  }

  unwatch(service: Service): void {
    this.ticking.get(service.serviceArn)?.();
    this.ticking.delete(service.serviceArn);
  }

  tasksOf(service: Service, deployment?: Deployment): Task[] {
    return [...this.tasks.values()].filter(
      (t) =>
        t.serviceName === service.serviceName &&
        t.clusterName === service.clusterName &&
        (!deployment || t.deploymentId === deployment.id),
    );
  }

  private live(tasks: Task[]): Task[] {
    return tasks.filter((t) => t.desiredStatus === 'RUNNING');
  }

  private running(tasks: Task[]): Task[] {
    return tasks.filter((t) => t.desiredStatus === 'RUNNING' && t.lastStatus === 'RUNNING');
  }

  /** One scheduling pass: stop what min-healthy allows, start what max-percent allows, settle states. */
  tick(service: Service): void {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    const now = this.clock.now();
    const desired = service.desiredCount;
    primary.desiredCount = desired;
    const { minimumHealthyPercent, maximumPercent } = service.deploymentConfiguration;
    const minHealthy = Math.ceil((desired * minimumHealthyPercent) / 100);
    const maxTasks = Math.floor((desired * maximumPercent) / 100);
    const old = service.deployments.filter((d) => d !== primary);
    const allTasks = this.tasksOf(service);
    const primaryLive = this.live(this.tasksOf(service, primary));

    // Scale down the primary if desiredCount dropped.
    let excess = primaryLive.length - desired;
    for (const t of primaryLive)
      if (excess-- > 0) this.stop(t, 'Scaled down by the service scheduler', 'ServiceSchedulerInitiated');

    // Stop old tasks while the healthy count stays at or above the minimum.
    let healthy = this.running(allTasks).length;
    for (const d of old) {
      for (const t of this.live(this.tasksOf(service, d))) {
        const isHealthy = t.lastStatus === 'RUNNING';
        if (isHealthy && healthy - 1 < minHealthy) continue;
        this.stop(
          t,
          `Task stopped by the service scheduler during deployment ${primary.id}`,
          'ServiceSchedulerInitiated',
        );
        if (isHealthy) healthy -= 1;
      }
    }

    // Start new tasks within the maximum percent (a FAILED deployment launches nothing more).
    if (primary.rolloutState !== 'FAILED') {
      let total = this.live(this.tasksOf(service)).length;
      let primaryCount = this.live(this.tasksOf(service, primary)).length;
      const started: string[] = [];
      while (primaryCount < desired && total < Math.max(maxTasks, 1)) {
        const launched = this.launch(service, primary);
        if (typeof launched === 'string') {
          this.unplaceable(service, launched);
          break;
        }
        started.push(launched.id);
        total += 1;
        primaryCount += 1;
      }
      if (started.length)
        this.event(
          service,
          `has started ${started.length} tasks: ${started.map((id) => `(task ${id})`).join(' ')}.`,
        );
    }

    // Old deployments with no task left disappear, as in DescribeServices.
    for (const d of old)
      if (
        this.live(this.tasksOf(service, d)).length === 0 &&
        this.tasksOf(service, d).every((t) => t.lastStatus === 'STOPPED')
      )
        d.status = 'INACTIVE';
    service.deployments = service.deployments.filter((d) => d.status !== 'INACTIVE');

    if (primary.rolloutState === 'IN_PROGRESS') {
      const runningPrimary = this.running(this.tasksOf(service, primary)).length;
      const threshold = Math.min(200, Math.max(3, Math.ceil(desired * 0.5)));
      if (
        service.deploymentConfiguration.deploymentCircuitBreaker.enable &&
        primary.failedTasks >= threshold
      ) {
        primary.rolloutState = 'FAILED';
        primary.rolloutStateReason = `ECS deployment circuit breaker: tasks failed to start.`;
        primary.updatedAt = now;
        this.event(service, `deployment ${primary.id} deployment failed: tasks failed to start.`);
        if (service.deploymentConfiguration.deploymentCircuitBreaker.rollback)
          this.circuitBreakerRollback(service, primary);
      } else if (runningPrimary >= desired && service.deployments.length === 1) {
        primary.rolloutState = 'COMPLETED';
        primary.rolloutStateReason = 'ECS deployment ' + primary.id + ' completed.';
        primary.updatedAt = now;
        this.event(service, `deployment ${primary.id} has completed.`);
        this.event(service, 'has reached a steady state.');
      }
    }
  }

  /** What ECS does with rollback enabled: a new deployment back to the last completed task definition. */
  private circuitBreakerRollback(service: Service, failed: Deployment): void {
    const previous = service.deployments.find((d) => d !== failed && d.rolloutState === 'COMPLETED');
    if (!previous) return;
    this.event(service, `rolling back to deployment ${previous.id}.`);
    this.newDeployment(service, previous.taskDefinitionArn);
  }

  /** ECS repeats this event now and then, not on every pass; so does the sandbox, per message. */
  private unplaceable(service: Service, reason: string): void {
    const message = `was unable to place a task because no container instance met all of its requirements. ${reason}`;
    if (!service.events.slice(0, 5).some((e) => e.message.endsWith(message))) this.event(service, message);
  }

  /** Starts one task of the deployment, or returns why it could not be placed. */
  private launch(service: Service, deployment: Deployment): Task | string {
    const td = this.resolveTd(deployment.taskDefinitionArn);
    const id = hexId();
    const now = this.clock.now();
    const cpu = Number(td.cpu ?? td.containerDefinitions.reduce((n, c) => n + (c.cpu ?? 0), 0));
    const memory = Number(
      td.memory ?? td.containerDefinitions.reduce((n, c) => n + (c.memory ?? c.memoryReservation ?? 0), 0),
    );
    const placed = this.place(service, td, { cpu, memory });
    if ('reason' in placed) return placed.reason;
    const task: Task = {
      taskArn: this.arns.task(service.clusterName, id),
      id,
      clusterName: service.clusterName,
      taskDefinitionArn: td.taskDefinitionArn,
      serviceName: service.serviceName,
      deploymentId: deployment.id,
      containerInstanceArn: placed.instanceArn,
      containers: td.containerDefinitions.map((c) => ({
        name: c.name,
        image: c.image,
        essential: c.essential !== false,
        lastStatus: 'PENDING',
      })),
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: now,
      cpu,
      memory,
    };
    this.tasks.set(task.taskArn, task);
    const problem = this.hooks.startProblem(task, td, service, deployment);
    if (problem) {
      this.clock.schedule(ECS_TIMING.failStartMs, () => {
        if (task.desiredStatus !== 'RUNNING') return;
        deployment.failedTasks += 1;
        deployment.updatedAt = this.clock.now();
        for (const c of task.containers) {
          c.lastStatus = 'STOPPED';
          if (c.essential) c.exitCode = 1;
        }
        this.finishStop(task, problem.reason, problem.stopCode);
        this.event(service, `task ${task.id} failed to start: ${problem.reason}`);
      });
      task.lastStatus = 'PENDING';
      return task;
    }
    this.clock.schedule(ECS_TIMING.startMs / 4, () => {
      if (task.lastStatus === 'PROVISIONING') task.lastStatus = 'PENDING';
    });
    this.clock.schedule(ECS_TIMING.startMs, () => {
      if (task.desiredStatus !== 'RUNNING') return;
      task.lastStatus = 'RUNNING';
      task.startedAt = this.clock.now();
      for (const c of task.containers) {
        c.lastStatus = 'RUNNING';
        c.startedAt = task.startedAt;
      }
      this.hooks.onRunning(task, td, {
        exited: (container, exitCode, reason) => this.containerExited(task, td, container, exitCode, reason),
      });
    });
    return task;
  }

  stop(task: Task, reason: string, stopCode: NonNullable<Task['stopCode']>): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = this.clock.now();
    task.stoppedReason = reason;
    task.stopCode = stopCode;
    if (task.lastStatus !== 'RUNNING') {
      this.finishStop(task, reason, stopCode);
      return;
    }
    // An essential container that exited stops the rest of the task at once: nothing to deregister first.
    if (stopCode === 'EssentialContainerExited') {
      this.sigterm(task, reason, stopCode);
      return;
    }
    task.lastStatus = 'DEACTIVATING';
    this.clock.schedule(ECS_TIMING.stopMs / 2, () => {
      if (task.lastStatus === 'DEACTIVATING') this.sigterm(task, reason, stopCode);
    });
  }

  /** SIGTERM to every running container; each exits when it is done or at its stop timeout. */
  private sigterm(task: Task, reason: string, stopCode: NonNullable<Task['stopCode']>): void {
    task.lastStatus = 'STOPPING';
    const td = this.resolveTd(task.taskDefinitionArn);
    const exits = this.hooks.onSigterm(task);
    let last = 0;
    for (const c of task.containers) {
      if (c.lastStatus !== 'RUNNING') continue;
      const timeout = stopTimeoutMs(td.containerDefinitions.find((d) => d.name === c.name));
      const wanted = exits[c.name] ?? 0;
      const after = Math.min(wanted, timeout);
      const exitCode = wanted > timeout ? SIGKILL_EXIT_CODE : 0;
      last = Math.max(last, after);
      if (after === 0) this.containerStopped(task, c, exitCode);
      else this.clock.schedule(after, () => this.containerStopped(task, c, exitCode));
    }
    this.clock.schedule(Math.max(ECS_TIMING.stopMs / 2, last), () => this.finishStop(task, reason, stopCode));
  }

  private containerStopped(task: Task, c: Task['containers'][number], exitCode: number): void {
    if (c.lastStatus !== 'RUNNING') return;
    c.lastStatus = 'STOPPED';
    c.exitCode = exitCode;
    this.hooks.onContainerStopped(task, c.name, exitCode);
  }

  /** A container of a running task exited on its own: restart it, stop the task, or leave it stopped. */
  private containerExited(
    task: Task,
    td: TaskDefinition,
    name: string,
    exitCode: number,
    reason: string,
  ): void {
    const c = task.containers.find((x) => x.name === name);
    if (!c || c.lastStatus !== 'RUNNING') return;
    const now = this.clock.now();
    c.lastStatus = 'STOPPED';
    c.exitCode = exitCode;
    c.reason = reason;
    // A task on its way out restarts nothing.
    if (task.desiredStatus !== 'RUNNING') return;
    const def = td.containerDefinitions.find((d) => d.name === name);
    if (restartDecision(def, exitCode, now - (c.startedAt ?? now)).restart) {
      this.clock.schedule(CONTAINER_TIMING.restartDelayMs, () => {
        if (task.desiredStatus !== 'RUNNING' || c.lastStatus !== 'STOPPED') return;
        // The container runs again: the exit it recovered from is no longer its state.
        c.lastStatus = 'RUNNING';
        delete c.exitCode;
        delete c.reason;
        c.startedAt = this.clock.now();
        this.hooks.onContainerRestarted(task, name);
      });
      return;
    }
    if (c.essential) this.stop(task, 'Essential container in task exited', 'EssentialContainerExited');
  }

  private finishStop(task: Task, reason: string, stopCode: NonNullable<Task['stopCode']>): void {
    if (task.lastStatus === 'STOPPED') return;
    const wasRunning = task.startedAt !== undefined;
    task.desiredStatus = 'STOPPED';
    task.lastStatus = 'STOPPED';
    task.stoppedAt = this.clock.now();
    task.stoppedReason ??= reason;
    task.stopCode ??= stopCode;
    for (const c of task.containers) {
      if (c.lastStatus !== 'STOPPED') c.exitCode = 0;
      c.lastStatus = 'STOPPED';
    }
    if (wasRunning) this.hooks.onStopped(task);
  }

  stopAll(): void {
    for (const stop of this.ticking.values()) stop();
    this.ticking.clear();
  }
}
