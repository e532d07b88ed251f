import type { SimClock } from '../clock';
import type { CloudWatchLogsTwin } from '../aws/cloudwatch-logs';
import type { SecretsManagerTwin } from '../aws/secrets-manager';
import type { SsmTwin } from '../aws/ssm';
import type { ContainerDefinition, Deployment, Service, Task, TaskDefinition } from '../ecs/model';
import type { ContainerAgent, SchedulerHooks, StartProblem } from '../ecs/scheduler';
import type { FaultInjector } from '../faults';
import { AlloyProcess, crashDelayMs, drainMs, type ReadLine } from './alloy-process';
import { dropLines } from './drop-lines';
import { ALLOY_DEFAULT_SCRAPE_INTERVAL_MS, type AlloyShipping } from './alloy-summary';
import { readAdotScrape } from '../adot-config';
import { shapeOf, type TaskShape } from './containers';
import { JsonFileLog, type LogEntry } from './json-file';
import { STEADY, startTaskTimeline, type TaskTimeline } from './task-timeline';
import { ALLOY_DROPPING_EVERY, REJECTED_SAMPLES_SHARE, RENAMED_METRIC } from '../faults';
import { alloySelfMetricsText, sampleCount } from './alloy-self-metrics';
import { awslogsStartPattern, joinLines } from './multiline';
import {
  accessLogLine,
  logLine,
  metricsText,
  panicLines,
  shutdownLine,
  stackTraceLines,
  TRACE_AT,
  TRACE_EVERY,
} from './telemetry';

export interface LokiSink {
  /** False while Loki is not ready: a sidecar's push then fails and the lines are lost. */
  ready(): boolean;
  push(streams: { stream: Record<string, string>; values: [string, string][] }[], tenant?: string): void;
}

export interface ScrapeTarget {
  readonly address: string;
  readonly metricsPath: string;
  readonly labels: Record<string, string>;
  /** Simulated ms between two scrapes, as the task's collector config says; absent: unknown. */
  readonly scrapeIntervalMs?: number;
}

/** How a task's collector scrapes it: the labels it gives and how often, when its config says. */
interface TaskScrape {
  readonly job?: string;
  readonly instance?: string;
  readonly intervalMs?: number;
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
  /**
   * An application container writes a stack trace every this many line pairs (default
   * TRACE_EVERY); 0: never (tests that count lines one by one).
   */
  readonly stackTraceEvery?: number;
  /** The line pair of a task's first stack trace (default TRACE_AT; the first pair is 1). */
  readonly stackTraceFirst?: number;
}

/** An application container of a running task. */
interface AppContainer {
  readonly def: ContainerDefinition;
  /** `running` writes lines; `stopping` got SIGTERM and writes only its last words; `exited` nothing. */
  state: 'running' | 'stopping' | 'exited';
  /** Its json-file log, when it logs to json-file (what Alloy reads). */
  readonly log?: JsonFileLog;
}

/** What became of one task's json-file lines (kept after the task stopped). */
export interface TaskLines {
  /** Lines its application containers wrote to json-file. */
  written: number;
  /** Lines its Alloy sidecar pushed to Loki (and Loki accepted). */
  shipped: number;
  /** Times its Alloy sidecar exited on its own (`alloy-crash`). */
  sidecarExits: number;
  /** Times ECS restarted the sidecar under its restart policy. */
  sidecarRestarts: number;
}

interface RunningTask {
  readonly task: Task;
  readonly shape: TaskShape;
  readonly shipping?: AlloyShipping;
  ticks: number;
  /** Simulated time between two line pairs of a container. */
  readonly logPeriodMs: number;
  /** When the last line pair was written (its stamp), simulated ms. */
  lastLinesAt?: number;
  readonly stop: () => void;
  readonly exposesMetrics: boolean;
  readonly scrape: TaskScrape;
  /** Faults that set in while the task runs; only migrated tasks have them. */
  readonly timeline: TaskTimeline;
  readonly containers: readonly AppContainer[];
  /** The Alloy sidecar, when the task has one. */
  readonly sidecar?: { readonly def: ContainerDefinition; readonly alloy: AlloyProcess };
  readonly agent: ContainerAgent;
  readonly lines: TaskLines;
  /** Cancels the pending `alloy-crash`, if any. */
  readonly cancelCrash: () => void;
  /** Entries its sidecar's loki.write handled so far (`alloy-dropping` drops every n-th). */
  entriesRead?: number;
}

/** What a task's metrics endpoint throws while its scrape fails: the server answers HTTP 500. */
export class ScrapeFailedError extends Error {
  override readonly name = 'ScrapeFailedError';
}

const MIN_REAL_PERIOD_MS = 250;

/** A non-essential container next to the application (a proxy, a log-emitting helper). */
const isHelper = (def: ContainerDefinition): boolean => def.essential === false;
/** SIGTERM to exit of an application container: it logs, finishes its work, logs again and exits. */
export const GRACEFUL_SHUTDOWN_MS = 2_000;
/** What a Go program exits with when it panics. */
const PANIC_EXIT_CODE = 2;

/**
 * The inside of each simulated task: application containers write JSON lines and expose metrics;
 * the awslogs driver ships to CloudWatch Logs, an Alloy sidecar (when its config reached it) ships
 * to Loki with the labels its config declares, and the metrics are scraped by Prometheus.
 */
export class Workload implements SchedulerHooks {
  private readonly running = new Map<string, RunningTask>();
  private readonly ledger = new Map<string, TaskLines>();
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
        // A Secrets Manager valueFrom may go on past the secret's ARN (7 fields) with
        // `:<json-key>:<version-stage>:<version-id>`: the secret is the ARN.
        const missing = secret.valueFrom.includes(':secretsmanager:')
          ? !this.o.secrets.has(secret.valueFrom.split(':').slice(0, 7).join(':'))
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

  onRunning(task: Task, td: TaskDefinition, agent: ContainerAgent): void {
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
    const logPeriodMs = this.o.logPeriodMs ?? 5_000;
    const period = Math.max(logPeriodMs, MIN_REAL_PERIOD_MS * this.o.clock.speed);
    const timeline = onAlloy ? startTaskTimeline(this.o.clock, this.o.faults, service) : STEADY;
    const stopEmitting = this.o.clock.every(period, () => this.emit(entry));
    const containers: AppContainer[] = shape.mainContainers.map((def) => ({
      def,
      state: 'running',
      // An awslogs container beside an Alloy that reads the Docker API (the shadow revision): Docker
      // keeps a local copy of its lines, the dual-logging cache, which the logs API serves
      // (https://docs.docker.com/engine/logging/dual-logging/); modelled as the same reader log.
      ...(def.logConfiguration?.logDriver === 'json-file' ||
      (def.logConfiguration?.logDriver === 'awslogs' && shape.sidecar && shipping?.readsDockerApi)
        ? { log: new JsonFileLog(def.name) }
        : {}),
    }));
    const sidecar = shape.sidecar
      ? {
          def: shape.sidecar,
          alloy: new AlloyProcess(
            containers.flatMap((c) => (c.log ? [c.log] : [])),
            (lines) => this.ship(entry, lines),
            () => this.o.clock.now(),
            shipping?.selfMetrics?.components ?? 0,
          ),
        }
      : undefined;
    const crashAt = sidecar ? crashDelayMs(this.o.faults, service, sidecar.def) : undefined;
    const cancelCrash =
      crashAt === undefined
        ? () => undefined
        : this.o.clock.schedule(crashAt, () => this.crashSidecar(entry));
    const lines: TaskLines = { written: 0, shipped: 0, sidecarExits: 0, sidecarRestarts: 0 };
    this.ledger.set(task.id, lines);
    const entry: RunningTask = {
      task,
      shape,
      ...(shipping ? { shipping } : {}),
      ticks: 0,
      logPeriodMs,
      exposesMetrics,
      scrape: this.scrapeOf(shape, shipping),
      timeline,
      containers,
      ...(sidecar ? { sidecar } : {}),
      agent,
      lines,
      cancelCrash,
      stop: () => {
        stopEmitting();
        timeline.stop();
        cancelCrash();
      },
    };
    this.running.set(task.id, entry);
    this.emit(entry);
    this.publishTargets();
  }

  /**
   * What the task's collector makes of its metrics: ADOT's Prometheus receiver labels them with its
   * job_name and the target as written, every scrape_interval (the config it read at start); Alloy
   * as its rendered config says (job_name, the instance it sets or its target, scrape_interval).
   */
  private scrapeOf(shape: TaskShape, shipping: AlloyShipping | undefined): TaskScrape {
    if (shape.collector === 'alloy') {
      const m = shipping?.metrics;
      if (!m) return {};
      return {
        ...(m.jobName !== undefined ? { job: m.jobName } : {}),
        ...(m.instance !== undefined ? { instance: m.instance } : {}),
        intervalMs: m.scrapeIntervalMs ?? ALLOY_DEFAULT_SCRAPE_INTERVAL_MS,
      };
    }
    const source = shape.adotConfig;
    const text = !source
      ? undefined
      : 'inline' in source
        ? source.inline
        : this.o.ssm.get(source.parameter)?.value;
    const adot = text === undefined ? null : readAdotScrape(text);
    return adot ? { job: adot.jobName, instance: adot.instance, intervalMs: adot.scrapeIntervalMs } : {};
  }

  onStopped(task: Task): void {
    const entry = this.running.get(task.id);
    if (!entry) return;
    entry.stop();
    this.running.delete(task.id);
    this.publishTargets();
  }

  /** The emission timer of a running task: the lines due since the last, then Alloy reads them. */
  private emit(entry: RunningTask): void {
    this.writeDue(entry, 'tick');
    entry.sidecar?.alloy.collect();
  }

  /**
   * Writes the line pairs due since the last ones, each stamped when it was due: one pair per
   * container every `logPeriodMs`, at any clock speed. The timer that calls this runs at least
   * MIN_REAL_PERIOD_MS of real time apart (several log periods at high speeds), so lines are
   * materialised a few at a time; a `tick` writes at least one pair, the last stamped now. Before
   * anything changes inside the task (a sidecar exit, SIGTERM, a crash) the pairs already due are
   * written first (`event`): the application wrote them while all was well.
   */
  private writeDue(entry: RunningTask, why: 'tick' | 'event'): boolean {
    const now = this.o.clock.now();
    const last = entry.lastLinesAt;
    const stamps: number[] = [];
    if (last === undefined) stamps.push(now);
    else if (why === 'tick') {
      const n = Math.max(1, Math.round((now - last) / entry.logPeriodMs));
      for (let k = 1; k <= n; k++) stamps.push(Math.round(last + ((now - last) * k) / n));
    } else for (let at = last + entry.logPeriodMs; at <= now; at += entry.logPeriodMs) stamps.push(at);
    for (const at of stamps) {
      entry.lastLinesAt = at;
      this.writePair(entry, at);
    }
    return stamps.length > 0;
  }

  /**
   * One line pair of each running container, stamped `at`: an application container writes JSON
   * lines (and now and then an error with its goroutine stack), a non-essential helper
   * (an Envoy-style proxy) its access log.
   */
  private writePair(entry: RunningTask, at: number): void {
    const ecsService = entry.task.serviceName ?? '';
    entry.ticks += 1;
    const onAlloy = entry.shape.collector === 'alloy';
    const broken =
      onAlloy && (!!this.o.faults.forService('broken-json', ecsService) || entry.timeline.jsonBroken());
    const service = this.o.serviceLabel(ecsService);
    for (const c of entry.containers) {
      if (c.state !== 'running') continue;
      if (isHelper(c.def)) {
        this.write(
          entry,
          c,
          [0, 1].map((i) => ({ timeMs: at + i, line: accessLogLine(entry.ticks * 2 + i, at + i) })),
        );
        continue;
      }
      const lines = [0, 1].map((i) => logLine(entry.ticks * 2 + i, service, c.def.name, at + i, broken));
      // A line that is not JSON gets no level of its own (stage.json finds none).
      this.write(
        entry,
        c,
        lines.map((l, i) => ({ timeMs: at + i, line: l.line, ...(broken ? {} : { level: l.level }) })),
      );
      const every = this.o.stackTraceEvery ?? TRACE_EVERY;
      const first = this.o.stackTraceFirst ?? TRACE_AT;
      if (every > 0 && entry.ticks >= first && (entry.ticks - first) % every === 0)
        this.write(
          entry,
          c,
          stackTraceLines(entry.ticks, service, c.def.name, at + 2).map((l) => ({ timeMs: at + 2, ...l })),
        );
    }
  }

  /**
   * A container's output through its log driver: awslogs sends it to CloudWatch Logs as it is
   * written (also while the task stops), json-file keeps it on the host for Alloy to read.
   */
  private write(entry: RunningTask, c: AppContainer, entries: readonly LogEntry[]): void {
    const log = c.def.logConfiguration;
    if (log?.logDriver === 'awslogs') {
      const group = log.options?.['awslogs-group'] ?? '';
      const prefix = log.options?.['awslogs-stream-prefix'];
      const stream = prefix ? `${prefix}/${c.def.name}/${entry.task.id}` : entry.task.id;
      // With a multiline pattern or datetime format the driver sends a stack trace as one event.
      const start = awslogsStartPattern(log.options);
      const events = start ? joinLines(entries, start, '\n').map((j) => j.entry) : entries;
      if (this.o.logs.hasGroup(group))
        this.o.logs.append(
          group,
          stream,
          events.map((e) => ({ timestamp: e.timeMs, message: e.line })),
        );
    }
    if (c.log) {
      c.log.write(entries);
      entry.lines.written += entries.length;
    }
  }

  /**
   * What the sidecar read, shaped as its config says (multi-line blocks joined, the fallback level
   * for lines without one) and pushed to Loki with the labels it declares.
   */
  private ship(entry: RunningTask, read: readonly ReadLine[]): void {
    const { task, shipping } = entry;
    const ecsService = task.serviceName ?? '';
    if (!shipping?.shipsLogs || this.shipsNoLogs(ecsService) || entry.timeline.logsStopped()) return;
    const missing = this.o.faults.forService('missing-label', ecsService)?.label;
    // app-logs-missing: the application's lines never reach Loki, a helper's still do.
    const appLogsMissing = !!this.o.faults.forService('app-logs-missing', ecsService);
    const helpers = new Set(entry.containers.filter((c) => isHelper(c.def)).map((c) => c.def.name));
    const kept = dropLines(
      read.filter(
        (l) =>
          (shipping.containers?.includes(l.container) ?? true) &&
          !(appLogsMissing && !helpers.has(l.container)),
      ),
      this.o.faults.forService('drop-lines', ecsService)?.every,
      entry,
    );
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    let count = 0;
    const dropping = !!this.o.faults.forService('alloy-dropping', ecsService);
    const counters = entry.sidecar?.alloy.counters;
    for (const { entry: l, lines } of this.shape(shipping, kept)) {
      // A multi-line block is one entry in Loki: count its lines once, as Loki will.
      entry.lines.written -= lines - 1;
      // alloy-dropping: loki.write gives up on this entry after its retries and counts it.
      entry.entriesRead = (entry.entriesRead ?? 0) + 1;
      if (dropping && entry.entriesRead % ALLOY_DROPPING_EVERY === 0) {
        if (counters) counters.droppedEntries.rate_limited += 1;
        continue;
      }
      const labels: Record<string, string> = { ...shipping.staticLabels };
      if (shipping.mapsContainerName) labels['container_name'] = l.container;
      if (shipping.mapsTaskId) labels['task_id'] = task.id;
      const level = l.level ?? shipping.levelFallback;
      if (shipping.mapsLevel && level !== undefined) labels['level'] = level;
      if (missing) delete labels[missing];
      const key = JSON.stringify(Object.entries(labels).sort());
      const s = streams.get(key) ?? { stream: labels, values: [] };
      s.values.push([`${BigInt(l.timeMs) * 1_000_000n}`, l.line]);
      streams.set(key, s);
      count += 1;
    }
    if (streams.size === 0) return;
    try {
      if (!this.o.loki.ready()) throw new Error('Loki is not ready');
      this.o.loki.push([...streams.values()], shipping.tenant);
      entry.lines.shipped += count;
      if (counters) counters.sentEntries += count;
    } catch {
      // A rejected push is lost, as with a real sidecar after its retries, which counts the
      // entries under the generic reason (loki/client/metrics.go reasonGeneric).
      if (counters) counters.droppedEntries.ingester_error += count;
    }
  }

  /** The config's stage.multiline, per container: the first stage that applies to it joins its lines. */
  private shape(shipping: AlloyShipping, read: readonly ReadLine[]): { entry: ReadLine; lines: number }[] {
    const stages = shipping.multiline ?? [];
    if (stages.length === 0) return read.map((entry) => ({ entry, lines: 1 }));
    const byContainer = new Map<string, ReadLine[]>();
    for (const l of read) byContainer.set(l.container, [...(byContainer.get(l.container) ?? []), l]);
    return [...byContainer].flatMap(([container, lines]) => {
      const stage = stages.find((m) => m.containers === null || m.containers.includes(container));
      return stage ? joinLines(lines, stage.firstline) : lines.map((entry) => ({ entry, lines: 1 }));
    });
  }

  /** `alloy-crash`: the sidecar exits on its own; ECS decides whether it comes back. */
  private crashSidecar(entry: RunningTask): void {
    const sidecar = entry.sidecar;
    if (!sidecar?.alloy.running) return;
    this.writeDue(entry, 'event');
    sidecar.alloy.collect();
    sidecar.alloy.stop();
    entry.lines.sidecarExits += 1;
    entry.agent.exited(sidecar.def.name, 1, 'Alloy exited with status 1 (injected fault: alloy-crash)');
    // Its own metrics are served by the process: nothing to scrape while it is down.
    this.publishTargets();
  }

  onContainerRestarted(task: Task, container: string): void {
    const entry = this.running.get(task.id);
    if (!entry) return;
    if (entry.sidecar?.def.name === container) {
      entry.lines.sidecarRestarts += 1;
      entry.sidecar.alloy.restart();
      this.publishTargets();
      return;
    }
    const c = entry.containers.find((x) => x.def.name === container);
    if (c?.state === 'exited') c.state = 'running';
  }

  /**
   * SIGTERM: the sidecar with a drain keeps shipping for ALLOY_DRAIN_SECONDS (its entrypoint waits
   * before passing the signal on), without one it stops at once, before the application containers'
   * last words reach it. Each application container logs the signal, finishes, logs again and exits.
   */
  onSigterm(task: Task): Readonly<Record<string, number>> {
    const entry = this.running.get(task.id);
    if (!entry) return {};
    entry.cancelCrash();
    // Only the lines that were due before SIGTERM: what a crash wrote this instant waits for the sidecar.
    if (this.writeDue(entry, 'event')) entry.sidecar?.alloy.collect();
    const exits: Record<string, number> = {};
    const sidecar = entry.sidecar;
    if (sidecar?.alloy.running) {
      const drain = drainMs(sidecar.def);
      if (drain > 0) exits[sidecar.def.name] = drain;
      else sidecar.alloy.stop();
    }
    const now = this.o.clock.now();
    const service = this.o.serviceLabel(task.serviceName ?? '');
    for (const c of entry.containers) {
      if (c.state !== 'running') continue;
      c.state = 'stopping';
      // A helper proxy drains quietly; the Temporal server says it is shutting down.
      if (!isHelper(c.def)) {
        const l = shutdownLine('sigterm', service, c.def.name, now);
        this.write(entry, c, [{ timeMs: now, line: l.line, level: l.level }]);
      }
      exits[c.def.name] = GRACEFUL_SHUTDOWN_MS;
    }
    sidecar?.alloy.collect();
    return exits;
  }

  onContainerStopped(task: Task, container: string, exitCode: number): void {
    const entry = this.running.get(task.id);
    if (!entry) return;
    if (entry.sidecar?.def.name === container) {
      entry.sidecar.alloy.stop();
      this.publishTargets();
      return;
    }
    const c = entry.containers.find((x) => x.def.name === container);
    if (!c || c.state === 'exited') return;
    // A container killed at its stop timeout never got to say it stopped.
    if (exitCode === 0 && c.state === 'stopping' && !isHelper(c.def)) {
      const now = this.o.clock.now();
      const l = shutdownLine('stopped', this.o.serviceLabel(task.serviceName ?? ''), c.def.name, now);
      this.write(entry, c, [{ timeMs: now, line: l.line, level: l.level }]);
    }
    c.state = 'exited';
    entry.sidecar?.alloy.collect();
  }

  /**
   * An application container of a running task crashes: it writes a panic and its stack trace and
   * exits with status 2. ECS restarts it under a restart policy; otherwise, being essential, it
   * stops the task at once, and the sidecar gets SIGTERM in the same instant: without a drain it
   * stops before reading the stack trace. False when no such container runs.
   */
  crashContainer(taskId: string, container: string): boolean {
    const entry = this.running.get(taskId);
    const c = entry?.containers.find((x) => x.def.name === container);
    if (!entry || c?.state !== 'running') return false;
    this.writeDue(entry, 'event');
    entry.sidecar?.alloy.collect();
    const now = this.o.clock.now();
    const service = this.o.serviceLabel(entry.task.serviceName ?? '');
    this.write(
      entry,
      c,
      panicLines(service).map((line) => ({ timeMs: now, line })),
    );
    c.state = 'exited';
    entry.agent.exited(container, PANIC_EXIT_CODE, `exit status ${PANIC_EXIT_CODE}`);
    entry.sidecar?.alloy.collect();
    return true;
  }

  /** What became of a task's json-file lines, for every task that ran (also after it stopped). */
  linesOf(taskId: string): Readonly<TaskLines> | undefined {
    return this.ledger.get(taskId);
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
    const ecsService = entry.task.serviceName ?? '';
    const renamed =
      entry.shape.collector === 'alloy' && !!this.o.faults.forService('metric-renamed', ecsService);
    const text = metricsText(
      this.o.serviceLabel(ecsService),
      entry.ticks,
      renamed ? RENAMED_METRIC.to : RENAMED_METRIC.from,
    );
    this.countRemoteWrite(entry, sampleCount(text));
    return text;
  }

  /**
   * One scrape's samples through the sidecar's prometheus.remote_write: sent, or with
   * `remote-write-rejected` a share refused by AMP with HTTP 400, which Alloy counts as failed and
   * does not retry. The stand-in Prometheus scrapes the tasks itself, so the refused samples still
   * reach it: the fault shows in Alloy's counters, which is what alloy-health reads.
   */
  private countRemoteWrite(entry: RunningTask, samples: number): void {
    const alloy = entry.sidecar?.alloy;
    if (!alloy?.running || !entry.shipping?.metrics) return;
    const rejected = this.o.faults.forService('remote-write-rejected', entry.task.serviceName ?? '')
      ? Math.ceil(samples * REJECTED_SAMPLES_SHARE)
      : 0;
    alloy.counters.sentSamples += samples - rejected;
    alloy.counters.failedSamples += rejected;
  }

  /**
   * The sidecar's own metrics (prometheus.exporter.self), or undefined when the task has no Alloy
   * exporting them or its process is down. Each call is one scrape, remote-written like the rest.
   */
  alloyMetrics(taskId: string): string | undefined {
    const entry = this.running.get(taskId);
    const self = entry?.shipping?.selfMetrics;
    const alloy = entry?.sidecar?.alloy;
    if (!entry || !self || !alloy?.running) return undefined;
    const text = alloySelfMetricsText(alloy.counters, {
      lokiHost: self.lokiHost,
      tenant: self.tenant,
      remoteUrl: self.remoteWriteUrl,
    });
    this.countRemoteWrite(entry, sampleCount(text));
    return text;
  }

  targets(): ScrapeTarget[] {
    const tasks = [...this.running.values()];
    const interval = (e: RunningTask) =>
      e.scrape.intervalMs !== undefined ? { scrapeIntervalMs: e.scrape.intervalMs } : {};
    const application = tasks
      .filter((e) => e.exposesMetrics)
      .map((e) => ({
        address: this.o.metricsAddress(),
        metricsPath: `/_tasks/${e.task.id}/metrics`,
        labels: this.metricLabels(e),
        ...interval(e),
      }));
    // Alloy's own metrics, while its process runs: the rendered config scrapes them as often as the
    // application, as job integrations/self, through the same relabel (service_name, task_id).
    const self = tasks
      .filter((e) => e.shipping?.selfMetrics && e.sidecar?.alloy.running)
      .map((e) => ({
        address: this.o.metricsAddress(),
        metricsPath: `/_tasks/${e.task.id}/alloy-metrics`,
        labels: {
          ...this.metricLabels(e),
          job: e.shipping?.selfMetrics?.jobName ?? '',
          // The self exporter's instance is Alloy's host name; a task's own in awsvpc mode.
          instance: `ip-${e.task.id.slice(0, 8)}`,
        },
        ...interval(e),
      }));
    return [...application, ...self];
  }

  /**
   * ADOT keeps the labels the team's pipeline gives (cluster, service, task); Alloy adds what its
   * config declares (static labels, task_id when mapped). Both carry the job and instance their
   * scrape gives (scrapeOf).
   */
  private metricLabels(e: RunningTask): Record<string, string> {
    const base = {
      ...(e.scrape.job !== undefined ? { job: e.scrape.job } : {}),
      ...(e.scrape.instance !== undefined ? { instance: e.scrape.instance } : {}),
      cluster: e.task.clusterName,
      service_name: this.o.serviceLabel(e.task.serviceName ?? ''),
    };
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
