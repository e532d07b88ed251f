import { ALLOY_CRASH_MARGIN_MS, type FaultInjector } from '../faults';
import { restartAttemptPeriodMs } from '../ecs/container-lifecycle';
import type { ContainerDefinition } from '../ecs/model';
import type { JsonFileLog, LogEntry } from './json-file';
import { freshCounters, type AlloySelfCounters } from './alloy-self-metrics';

/** The sidecar's environment variable its entrypoint reads: seconds it keeps shipping after SIGTERM. */
export const DRAIN_ENV = 'ALLOY_DRAIN_SECONDS';

/** A line Alloy read, with the container it came from (its `container_name` label). */
export interface ReadLine extends LogEntry {
  readonly container: string;
}

/**
 * The simulated Alloy process of one task. While it runs it reads every main container's json-file
 * log from its stored position and ships what it read; while it is down nothing is read and the
 * positions stay where they were. They live in Alloy's storage (`--storage.path`, or the positions
 * file of loki.source.file), which a restart of the same container keeps: after a restart it ships
 * the lines written meanwhile, with the time each was written. Lines written after it stopped for
 * good are never read.
 */
export class AlloyProcess {
  private up = true;
  private selfCounters: AlloySelfCounters;

  constructor(
    private readonly logs: readonly JsonFileLog[],
    private readonly ship: (lines: ReadLine[]) => void,
    /** The simulated clock: a process's start time is what its self-metrics report. */
    private readonly now: () => number,
    /** Components its config declares (alloy_component_controller_running_components). */
    private readonly components = 0,
  ) {
    this.selfCounters = freshCounters(now(), components);
  }

  /** What the running process counts about itself (prometheus.exporter.self). */
  get counters(): AlloySelfCounters {
    return this.selfCounters;
  }

  get running(): boolean {
    return this.up;
  }

  /** Reads and ships everything past the positions; nothing while it is down. */
  collect(): void {
    if (!this.up) return;
    const lines = this.logs.flatMap((log) =>
      log.readPastPosition().map((e) => ({ ...e, container: log.container })),
    );
    if (lines.length > 0) this.ship(lines);
  }

  /** The process ends (it crashed, was killed, or finished its drain). */
  stop(): void {
    this.up = false;
  }

  /**
   * The container runs again: a new process, whose counters start at 0 and whose start time is
   * now; it resumes from the stored positions.
   */
  restart(): void {
    this.up = true;
    this.selfCounters = freshCounters(this.now(), this.components);
    this.collect();
  }
}

/** How long the sidecar keeps shipping after SIGTERM, from its ALLOY_DRAIN_SECONDS (0 without it). */
export function drainMs(sidecar: ContainerDefinition): number {
  const value = sidecar.environment?.find((e) => e.name === DRAIN_ENV)?.value;
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * When an `alloy-crash` fault makes the sidecar of a task of this service exit, in simulated ms
 * after the task started running, or undefined without such a fault. `alloy-crash` waits until the
 * sidecar has run long enough for its restart policy (restartAttemptPeriod, or 60 s without a
 * policy) and a margin; `alloy-crash-after` names the moment.
 */
export function crashDelayMs(
  faults: FaultInjector,
  ecsService: string,
  sidecar: ContainerDefinition,
): number | undefined {
  const after = faults.forService('alloy-crash-after', ecsService);
  if (after) return after.afterMs;
  if (!faults.forService('alloy-crash', ecsService)) return undefined;
  return (restartAttemptPeriodMs(sidecar) ?? 60_000) + ALLOY_CRASH_MARGIN_MS;
}
