import { ALLOY_SELF_METRICS, UNHEALTHY_COMPONENT_STATES } from '../queries/alloy-self';
import { LABELS } from '../queries/labels';
import type { MetricSample } from '../queries/results';
import { formatDuration } from '../plan/duration';
import { capList, isoWindow, listForMessage, measurementData, taskIdOf } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import { recordSampleFaults } from './samples';
import {
  nextDeadlineField,
  overdueMessage,
  overdueTasks,
  taskAgesSeconds,
  type TaskStarts,
} from './task-clock';
import type { Assessment, Measurement, TimeWindow } from './types';

/**
 * How much later than its task Alloy's process may have started and still be the first start.
 * The sidecar starts with its task (after the init container that writes its config, a second or
 * two); ECS restarts a container only once it has run for its restartAttemptPeriod, at least 60 s
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html), so a
 * restarted Alloy started a minute or more after its task.
 */
export const ALLOY_RESTART_SLACK_MS = 30_000;

/** The Alloy container of one task as ECS DescribeTasks shows it (`containers[]`). */
export interface SidecarState {
  readonly lastStatus?: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

export interface AlloyHealthInput {
  /** Check name in the report; default "alloy-health". */
  readonly name?: string;
  readonly service: string;
  /** The time the instant query was asked for: every sample must be stamped with it. */
  readonly evaluatedAtMs: number;
  /** Running tasks of the deployment under check (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  /** Result of `alloySelfMetrics(service)`. */
  readonly selfMetrics: Measurement<readonly MetricSample[]>;
  /**
   * When each task started running, and how long it may run without Alloy's own metrics in AMP
   * (the metrics deadline): past it, absence is `failed`.
   */
  readonly taskStarts?: TaskStarts;
  /** Each task's Alloy container (keys: ids or ARNs); a task missing here is not judged on it. */
  readonly sidecars?: Readonly<Record<string, SidecarState>>;
  /** Default ALLOY_RESTART_SLACK_MS. */
  readonly restartSlackMs?: number;
  readonly window?: TimeWindow;
  /**
   * For tasks that ran long before the check (a verify run): the same query at the start of the
   * audited window. Counters are then judged by their increase since it, and a restart only when
   * the running process started inside the window; without it, a counter's whole value counts
   * (a task of a new deployment started inside the check's window, so its counters did too).
   */
  readonly since?: { readonly atMs: number; readonly selfMetrics: Measurement<readonly MetricSample[]> };
}

/** What one task's sidecar reports about itself, summed over its series. */
interface TaskHealth {
  droppedEntries: Record<string, number>;
  sentEntries: number | null;
  failedSamples: number | null;
  droppedSamples: number | null;
  sentSamples: number | null;
  components: Record<string, number>;
  processStartMs: number | null;
}

const emptyHealth = (): TaskHealth => ({
  droppedEntries: {},
  sentEntries: null,
  failedSamples: null,
  droppedSamples: null,
  sentSamples: null,
  components: {},
  processStartMs: null,
});

const plus = (a: number | null, b: number): number => (a ?? 0) + b;
const total = (byKey: Readonly<Record<string, number>>): number =>
  Object.values(byKey).reduce((sum, v) => sum + v, 0);

/** Sums each task's series per metric (and per reason / health type where those matter). */
function healthByTask(samples: readonly MetricSample[]): Map<string, TaskHealth> {
  const byTask = new Map<string, TaskHealth>();
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const id = s.labels[LABELS.task] ?? '';
    const h = byTask.get(id) ?? emptyHealth();
    byTask.set(id, h);
    switch (s.labels['__name__']) {
      case ALLOY_SELF_METRICS.lokiDroppedEntries: {
        const reason = s.labels['reason'] ?? 'unknown';
        h.droppedEntries[reason] = (h.droppedEntries[reason] ?? 0) + s.value;
        break;
      }
      case ALLOY_SELF_METRICS.lokiSentEntries:
        h.sentEntries = plus(h.sentEntries, s.value);
        break;
      case ALLOY_SELF_METRICS.remoteWriteFailedSamples:
        h.failedSamples = plus(h.failedSamples, s.value);
        break;
      case ALLOY_SELF_METRICS.remoteWriteDroppedSamples:
        h.droppedSamples = plus(h.droppedSamples, s.value);
        break;
      case ALLOY_SELF_METRICS.remoteWriteSentSamples:
        h.sentSamples = plus(h.sentSamples, s.value);
        break;
      case ALLOY_SELF_METRICS.runningComponents: {
        const state = s.labels['health_type'] ?? 'unknown';
        h.components[state] = (h.components[state] ?? 0) + s.value;
        break;
      }
      case ALLOY_SELF_METRICS.processStart:
        // One Alloy process per task: the newest start is the one that runs now.
        h.processStartMs = Math.max(h.processStartMs ?? 0, s.value * 1000);
        break;
    }
  }
  return byTask;
}

/**
 * What each counter grew by since `before` (the same task's health at the window's start): the
 * difference when the same process ran then, the whole value when the process started since (its
 * counters began at 0). Gauges (components, process start) are the current ones.
 */
function increaseSince(now: TaskHealth, before: TaskHealth | undefined): TaskHealth {
  if (!before || before.processStartMs === null || before.processStartMs !== now.processStartMs) return now;
  const minus = (a: number | null, b: number | null): number | null =>
    a === null ? null : Math.max(0, a - (b ?? 0));
  return {
    ...now,
    droppedEntries: Object.fromEntries(
      Object.entries(now.droppedEntries).map(([reason, n]) => [
        reason,
        Math.max(0, n - (before.droppedEntries[reason] ?? 0)),
      ]),
    ),
    sentEntries: minus(now.sentEntries, before.sentEntries),
    failedSamples: minus(now.failedSamples, before.failedSamples),
    droppedSamples: minus(now.droppedSamples, before.droppedSamples),
    sentSamples: minus(now.sentSamples, before.sentSamples),
  };
}

/** "12 in a (queue_is_full 12), 3 in b": per-task counts for a message. */
function countsMessage(entries: readonly [id: string, count: number, detail?: string][]): string {
  return listForMessage(entries.map(([id, n, detail]) => `${n} in ${id}${detail ? ` (${detail})` : ''}`));
}

/**
 * Alloy's own health in every task of the deployment, from its self-metrics in AMP and its
 * container in ECS: no log entry dropped by loki.write, no sample failed or dropped by
 * prometheus.remote_write, no component unhealthy or exited, no restart (the sidecar's container
 * is not STOPPED, and its process started with the task, not later).
 *
 * Decisions:
 * - Any dropped entry, failed sample, unhealthy component, restart or stopped sidecar is `failed`
 *   at once: each is data lost or a sidecar that stopped working, and waiting does not undo it.
 * - A task without self-metrics is `pending` until it has run for the deadline, then `failed`: a
 *   sidecar whose own metrics never reach AMP cannot be shown to ship anything (and is down, or
 *   its remote write is). The check never passes on no data.
 */
export function assessAlloyHealth(input: AlloyHealthInput): Assessment {
  const findings = new Findings();
  const errors = recordMeasurementErrors(findings, [["Alloy's own metrics", input.selfMetrics]]);
  const unsound = recordSampleFaults(findings, input.evaluatedAtMs, [
    ["Alloy's own metrics", input.selfMetrics],
  ]);
  const expected = expectedTasks(findings, input.expectedTaskIds, 'new');
  const samples = measurementData(input.selfMetrics);
  const current = healthByTask(samples ?? []);
  const before = input.since ? healthByTask(measurementData(input.since.selfMetrics) ?? []) : undefined;
  const byTask = new Map([...current].map(([id, h]) => [id, increaseSince(h, before?.get(id))]));
  const slackMs = input.restartSlackMs ?? ALLOY_RESTART_SLACK_MS;
  const sidecars = new Map(Object.entries(input.sidecars ?? {}).map(([k, v]) => [taskIdOf(k), v]));
  const starts = new Map(
    Object.entries(input.taskStarts?.startedAtMs ?? {}).map(([k, v]) => [taskIdOf(k), v]),
  );

  const stopped = expected.flatMap((id) => {
    const c = sidecars.get(id);
    return c?.lastStatus === 'STOPPED'
      ? [`${id} (exit code ${c.exitCode ?? 'unknown'}${c.reason ? `: ${c.reason}` : ''})`]
      : [];
  });
  if (stopped.length > 0)
    findings.add(
      'failed',
      `the Alloy sidecar stopped while its task runs (ECS DescribeTasks): ${listForMessage(stopped)}`,
    );

  const withoutMetrics = samples ? expected.filter((id) => byTask.get(id)?.processStartMs == null) : [];
  const overdue = overdueTasks(withoutMetrics, input.taskStarts, input.evaluatedAtMs);
  if (overdue.length > 0 && input.taskStarts)
    findings.add(
      'failed',
      overdueMessage(
        overdue,
        `Alloy's own metrics (${ALLOY_SELF_METRICS.processStart}) in AMP`,
        input.taskStarts.deadlineMs,
      ),
    );
  else if (withoutMetrics.length > 0)
    findings.add(
      'pending',
      `no Alloy self-metrics yet for ${withoutMetrics.length} of ${expected.length} tasks: ${listForMessage(withoutMetrics)}`,
    );

  const reported = expected.flatMap((id) => {
    const h = byTask.get(id);
    return h && h.processStartMs !== null ? [[id, h] as const] : [];
  });
  const dropped = reported.filter(([, h]) => total(h.droppedEntries) > 0);
  if (dropped.length > 0)
    findings.add(
      'failed',
      `loki.write dropped log entries (${ALLOY_SELF_METRICS.lokiDroppedEntries}): ${countsMessage(
        dropped.map(([id, h]) => [
          id,
          total(h.droppedEntries),
          Object.entries(h.droppedEntries)
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(', '),
        ]),
      )}`,
    );
  const failedSamples = reported.filter(([, h]) => (h.failedSamples ?? 0) > 0);
  if (failedSamples.length > 0)
    findings.add(
      'failed',
      `prometheus.remote_write failed to send samples (${ALLOY_SELF_METRICS.remoteWriteFailedSamples}): ${countsMessage(
        failedSamples.map(([id, h]) => [id, h.failedSamples ?? 0]),
      )}`,
    );
  const droppedSamples = reported.filter(([, h]) => (h.droppedSamples ?? 0) > 0);
  if (droppedSamples.length > 0)
    findings.add(
      'failed',
      `prometheus.remote_write dropped samples (${ALLOY_SELF_METRICS.remoteWriteDroppedSamples}): ${countsMessage(
        droppedSamples.map(([id, h]) => [id, h.droppedSamples ?? 0]),
      )}`,
    );
  const unhealthy = reported.flatMap(([id, h]) => {
    const bad = UNHEALTHY_COMPONENT_STATES.filter((state) => (h.components[state] ?? 0) > 0);
    return bad.length > 0
      ? [
          [
            id,
            bad.reduce((n, state) => n + (h.components[state] ?? 0), 0),
            bad.map((s) => `${s} ${h.components[s]}`).join(', '),
          ] as const,
        ]
      : [];
  });
  if (unhealthy.length > 0)
    findings.add(
      'failed',
      `Alloy components not healthy (${ALLOY_SELF_METRICS.runningComponents}): ${countsMessage(
        unhealthy.map(([id, n, detail]) => [id, n, detail]),
      )}`,
    );
  const restarted = reported.flatMap(([id, h]) => {
    const startedAt = starts.get(id);
    if (startedAt === undefined || h.processStartMs === null) return [];
    // In a verify run only a restart inside the audited window counts: one weeks ago is history.
    if (input.since && h.processStartMs < input.since.atMs) return [];
    const laterMs = h.processStartMs - startedAt;
    return laterMs > slackMs
      ? [`${id} (${formatDuration(Math.round(laterMs / 1000) * 1000)} after the task)`]
      : [];
  });
  if (restarted.length > 0)
    findings.add(
      'failed',
      `the Alloy process restarted (${ALLOY_SELF_METRICS.processStart} later than the task's start + ${formatDuration(slackMs)}): ${listForMessage(restarted)}`,
    );

  const verdict = findings.verdict;
  const sum = (pick: (h: TaskHealth) => number | null) =>
    reported.reduce((n, [, h]) => n + (pick(h) ?? 0), 0);
  const message =
    verdict === 'passed'
      ? [
          `Alloy healthy in all ${expected.length} tasks of ${input.service}: ${sum((h) => h.sentEntries)} log entries sent, none dropped; ${sum((h) => h.sentSamples)} samples sent, none failed; no component unhealthy; no restart`,
          ...findings.problems,
        ].join('; ')
      : findings.message;
  const shown = expectedTasksEvidence(expected);
  const firstStart = expected.reduce((min, id) => Math.min(min, starts.get(id) ?? min), input.evaluatedAtMs);
  const window = input.window ?? {
    startMs: input.since ? Math.max(firstStart, input.since.atMs) : firstStart,
    endMs: input.evaluatedAtMs,
  };

  return {
    name: input.name ?? 'alloy-health',
    verdict,
    message,
    ...nextDeadlineField(withoutMetrics, input.taskStarts, input.evaluatedAtMs),
    evidence: {
      query: input.selfMetrics.query,
      ...(input.since
        ? { countersSince: new Date(input.since.atMs).toISOString(), counters: 'increase since then' }
        : {}),
      window: isoWindow(window),
      evaluatedAt: new Date(input.evaluatedAtMs).toISOString(),
      values: {
        ...shown,
        byTask: Object.fromEntries(
          shown.expectedTaskIds.map((id) => {
            const h = byTask.get(id);
            const c = sidecars.get(id);
            return [
              id,
              {
                sidecar: c ? { lastStatus: c.lastStatus ?? null, exitCode: c.exitCode ?? null } : null,
                selfMetrics: h
                  ? {
                      lokiSentEntries: h.sentEntries,
                      lokiDroppedEntries: h.droppedEntries,
                      remoteWriteSentSamples: h.sentSamples,
                      remoteWriteFailedSamples: h.failedSamples,
                      remoteWriteDroppedSamples: h.droppedSamples,
                      components: h.components,
                      processStart:
                        h.processStartMs === null ? null : new Date(h.processStartMs).toISOString(),
                    }
                  : null,
              },
            ];
          }),
        ),
        tasksWithoutSelfMetrics: capList(withoutMetrics).items,
        ...(input.taskStarts
          ? { taskAgeSeconds: taskAgesSeconds(input.taskStarts, shown.expectedTaskIds, input.evaluatedAtMs) }
          : {}),
        errors,
        unsoundSamples: unsound,
      },
      threshold: {
        [ALLOY_SELF_METRICS.lokiDroppedEntries]: '== 0',
        [ALLOY_SELF_METRICS.remoteWriteFailedSamples]: '== 0',
        [ALLOY_SELF_METRICS.remoteWriteDroppedSamples]: '== 0',
        [`${ALLOY_SELF_METRICS.runningComponents}{health_type=~"${UNHEALTHY_COMPONENT_STATES.join('|')}"}`]:
          '== 0',
        [ALLOY_SELF_METRICS.processStart]: `<= task start + ${formatDuration(slackMs)}`,
        sidecarContainer: 'not STOPPED while the task runs',
        ...(input.taskStarts ? { selfMetricsDeadline: formatDuration(input.taskStarts.deadlineMs) } : {}),
      },
    },
  };
}
