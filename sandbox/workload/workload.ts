import type { SimClock } from '../clock';
import type { CloudWatchLogsTwin } from '../aws/cloudwatch-logs';
import type { SecretsManagerTwin } from '../aws/secrets-manager';
import type { SsmTwin } from '../aws/ssm';
import type { Deployment, Service, Task, TaskDefinition } from '../ecs/model';
import type { SchedulerHooks, StartProblem } from '../ecs/scheduler';
import type { FaultInjector } from '../faults';
import type { AlloyShipping } from './alloy-summary';
import { shapeOf, type TaskShape } from './containers';
import { STEADY, startTaskTimeline, type TaskTimeline } from './task-timeline';
import { logLine, metricsText } from './telemetry';

export interface LokiSink {
  /** False while Loki is not ready: a sidecar's push then fails and the lines are lost. */
  ready(): boolean;
  push(streams: { stream: Record<string, string>; values: [string, string][] }[], tenant?: string): void;
}

export interface ScrapeTarget {
  readonly address: string;
  readonly metricsPath: string;
  readonly labels: Record<string, string>;
}

export interface WorkloadOptions {
  readonly clock: SimClock;
  readonly logs: CloudWatchLogsTwin;
  readonly ssm: SsmTwin;
  readonly secrets: SecretsManagerTwin;
  readonly loki: LokiSink;
  readonly faults: FaultInjector;
  readonly describeAlloy: (config: string) => AlloyShipping;
  /** Host:port of the sandbox server, where task metrics are served. */
  readonly metricsAddress: () => string;
  readonly onTargets: (targets: ScrapeTarget[]) => void;
  /** Plan service name for an ECS service (labels, as ADOT's config would set them). */
  readonly serviceLabel: (ecsService: string) => string;
  /** Simulated period between log lines of one container (bounded below in real time). */
  readonly logPeriodMs?: number;
}

interface RunningTask {
  readonly task: Task;
  readonly shape: TaskShape;
  readonly shipping?: AlloyShipping;
  ticks: number;
  readonly stop: () => void;
  readonly exposesMetrics: boolean;
  /** Faults that set in while the task runs; only migrated tasks have them. */
  readonly timeline: TaskTimeline;
}

/** What a task's metrics endpoint throws while its scrape fails: the server answers HTTP 500. */
export class ScrapeFailedError extends Error {
  override readonly name = 'ScrapeFailedError';
}

const MIN_REAL_PERIOD_MS = 250;

/**
 * The inside of each simulated task: application containers write JSON lines and expose metrics;
 * the awslogs driver ships to CloudWatch Logs, an Alloy sidecar (when its config reached it) ships
 * to Loki with the labels its config declares, and the metrics are scraped by Prometheus.
 */
export class Workload implements SchedulerHooks {
  private readonly running = new Map<string, RunningTask>();
  private readonly decidedFailures = new Map<string, string | null>();
  private readonly wasOnAlloy = new Set<string>();

  constructor(private readonly o: WorkloadOptions) {}

  startProblem(
    task: Task,
    td: TaskDefinition,
    service: Service,
    deployment: Deployment,
  ): StartProblem | undefined {
    void task;
    const shape = shapeOf(td);
    // Secrets are resolved for the whole task before any container starts.
    for (const c of td.containerDefinitions) {
      for (const secret of c.secrets ?? []) {
        const missing = secret.valueFrom.includes(':secretsmanager:')
          ? !this.o.secrets.has(secret.valueFrom)
          : !this.o.ssm.get(secret.valueFrom);
        if (missing)
          return {
            reason: `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from ${secret.valueFrom.includes(':secretsmanager:') ? 'asm' : 'ssm'}: service call has been retried 1 time(s): ${secret.valueFrom} not found`,
            stopCode: 'TaskFailedToStart',
          };
      }
    }
    for (const c of td.containerDefinitions) {
      const log = c.logConfiguration;
      if (log?.logDriver !== 'awslogs') continue;
      const group = log.options?.['awslogs-group'] ?? '';
      if (this.o.logs.hasGroup(group)) continue;
      if (log.options?.['awslogs-create-group'] === 'true') this.o.logs.createGroup(group);
      else
        return {
          reason: `CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.`,
          stopCode: 'TaskFailedToStart',
        };
    }
    const decided = this.decidedFailures.get(deployment.id);
    if (decided !== undefined)
      return decided === null ? undefined : { reason: decided, stopCode: 'EssentialContainerExited' };
    let failure: string | null = null;
    if (shape.collector === 'alloy') {
      this.wasOnAlloy.add(service.serviceArn);
      if (this.o.faults.forService('deployment-fails', service.serviceName))
        failure = 'Essential container in task exited (injected fault: deployment-fails)';
    } else if (
      this.wasOnAlloy.has(service.serviceArn) &&
      this.o.faults.fireOnce('rollback-deployment-fails-once', service.serviceName)
    ) {
      failure = 'Essential container in task exited (injected fault: rollback-deployment-fails-once)';
    }
    this.decidedFailures.set(deployment.id, failure);
    return failure ? { reason: failure, stopCode: 'EssentialContainerExited' } : undefined;
  }

  onRunning(task: Task, td: TaskDefinition): void {
    const shape = shapeOf(td);
    const service = task.serviceName ?? '';
    let shipping: AlloyShipping | undefined;
    if (shape.collector === 'alloy' && shape.alloyConfigFrom) {
      const param = this.o.ssm.get(shape.alloyConfigFrom);
      // The init container wrote whatever SSM held at task start; no parameter, no Alloy.
      if (param) shipping = this.o.describeAlloy(param.value);
    }
    const onAlloy = shape.collector === 'alloy';
    const exposesMetrics = !(
      onAlloy &&
      (this.o.faults.forService('no-metrics', service) || !shipping?.metrics)
    );
    const period = Math.max(this.o.logPeriodMs ?? 5_000, MIN_REAL_PERIOD_MS * this.o.clock.speed);
    const timeline = onAlloy ? startTaskTimeline(this.o.clock, this.o.faults, service) : STEADY;
    const stopEmitting = this.o.clock.every(period, () => this.emit(entry));
    const entry: RunningTask = {
      task,
      shape,
      ...(shipping ? { shipping } : {}),
      ticks: 0,
      exposesMetrics,
      timeline,
      stop: () => {
        stopEmitting();
        timeline.stop();
      },
    };
    this.running.set(task.id, entry);
    this.emit(entry);
    this.publishTargets();
  }

  onStopped(task: Task): void {
    const entry = this.running.get(task.id);
    if (!entry) return;
    entry.stop();
    this.running.delete(task.id);
    this.publishTargets();
  }

  private emit(entry: RunningTask): void {
    const { task, shape } = entry;
    const ecsService = task.serviceName ?? '';
    const now = this.o.clock.now();
    entry.ticks += 1;
    const onAlloy = shape.collector === 'alloy';
    const broken =
      onAlloy && (!!this.o.faults.forService('broken-json', ecsService) || entry.timeline.jsonBroken());
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const c of shape.mainContainers) {
      const lines = [0, 1].map((i) =>
        logLine(entry.ticks * 2 + i, this.o.serviceLabel(ecsService), c.name, now + i, broken),
      );
      const log = c.logConfiguration;
      if (log?.logDriver === 'awslogs') {
        const group = log.options?.['awslogs-group'] ?? '';
        const prefix = log.options?.['awslogs-stream-prefix'];
        const stream = prefix ? `${prefix}/${c.name}/${task.id}` : task.id;
        if (this.o.logs.hasGroup(group))
          this.o.logs.append(
            group,
            stream,
            lines.map((l, i) => ({ timestamp: now + i, message: l.line })),
          );
      } else if (
        log?.logDriver === 'json-file' &&
        entry.shipping?.shipsLogs &&
        (entry.shipping.containers?.includes(c.name) ?? true) &&
        !this.shipsNoLogs(ecsService) &&
        !entry.timeline.logsStopped()
      ) {
        const missing = this.o.faults.forService('missing-label', ecsService)?.label;
        for (const [i, l] of lines.entries()) {
          const labels: Record<string, string> = { ...entry.shipping.staticLabels };
          if (entry.shipping.mapsContainerName) labels['container_name'] = c.name;
          if (entry.shipping.mapsTaskId) labels['task_id'] = task.id;
          // stage.json + stage.labels: a line that does not parse gets no level label.
          if (entry.shipping.mapsLevel && !broken) labels['level'] = l.level;
          if (missing) delete labels[missing];
          const key = JSON.stringify(Object.entries(labels).sort());
          const s = streams.get(key) ?? { stream: labels, values: [] };
          s.values.push([`${BigInt(now + i) * 1_000_000n}`, l.line]);
          streams.set(key, s);
        }
      }
    }
    if (streams.size > 0 && this.o.loki.ready()) {
      try {
        this.o.loki.push([...streams.values()], entry.shipping?.tenant);
      } catch {
        // A rejected push is lost, as with a real sidecar after its retries.
      }
    }
  }

  /**
   * `rollback-deployment-fails-once` also silences the sidecar: without a failed check nothing is
   * rolled back, and the fault would rehearse nothing while the rollout looked fine.
   */
  private shipsNoLogs(ecsService: string): boolean {
    return (
      !!this.o.faults.forService('no-logs', ecsService) ||
      !!this.o.faults.forService('rollback-deployment-fails-once', ecsService)
    );
  }

  /**
   * The task's metrics endpoint body, or undefined when the task exposes none. Each call is one
   * scrape; it throws ScrapeFailedError while the scrape fails (`flapping-metrics`), which the
   * sandbox's server answers with HTTP 500, a failed scrape for Prometheus.
   */
  metrics(taskId: string): string | undefined {
    const entry = this.running.get(taskId);
    if (!entry || !entry.exposesMetrics) return undefined;
    if (!entry.timeline.scrape())
      throw new ScrapeFailedError('collector unavailable (injected fault: flapping-metrics)');
    return metricsText(this.o.serviceLabel(entry.task.serviceName ?? ''), entry.ticks);
  }

  targets(): ScrapeTarget[] {
    return [...this.running.values()]
      .filter((e) => e.exposesMetrics)
      .map((e) => ({
        address: this.o.metricsAddress(),
        metricsPath: `/_tasks/${e.task.id}/metrics`,
        labels: this.metricLabels(e),
      }));
  }

  /**
   * ADOT keeps the labels the team's pipeline gives (cluster, service, task); Alloy adds what its
   * config declares (static labels, task_id when mapped).
   */
  private metricLabels(e: RunningTask): Record<string, string> {
    const base = { cluster: e.task.clusterName, service_name: this.o.serviceLabel(e.task.serviceName ?? '') };
    const alloy = e.shipping?.metrics;
    if (e.shape.collector !== 'alloy' || !alloy) return { ...base, task_id: e.task.id };
    return { ...base, ...alloy.staticLabels, ...(alloy.taskIdMapped ? { task_id: e.task.id } : {}) };
  }

  private publishTargets(): void {
    this.o.onTargets(this.targets());
  }

  /** Running tasks and what they ship, for the rehearsal's observations. */
  runningTasks(): { task: Task; shape: TaskShape; shipsToLoki: boolean }[] {
    return [...this.running.values()].map((e) => ({
      task: e.task,
      shape: e.shape,
      shipsToLoki: !!e.shipping,
    }));
  }

  stop(): void {
    for (const e of this.running.values()) e.stop();
    this.running.clear();
  }
}
