import { EXECUTION_LIMITS } from './capacity';
import {
  billedMs,
  analyseHistory,
  type ExecutionStats,
  type ExecutionTrace,
  type HistoryEventLike,
} from './history';
import type { RehearsalRecord } from './rehearsal';
import { median, round, sum } from './stats';
import { SimulatedTime } from './time-model';
import { verifyTimeline } from './verify-timeline';

export interface Analysed {
  readonly trace: ExecutionTrace;
  readonly stats: ExecutionStats;
  readonly mode: string;
  readonly service?: { readonly name: string; readonly ecsService: string };
}

export function analyse(record: RehearsalRecord): {
  parent: Analysed;
  children: Analysed[];
  time: SimulatedTime;
} {
  const all = record.executions.map((trace): Analysed => {
    const startedInput = trace.events.find((e) => e.type === 'ExecutionStarted')?.data;
    const input = startedInput
      ? (JSON.parse(startedInput) as { mode?: string; service?: { name: string; ecsService: string } })
      : {};
    return {
      trace,
      stats: analyseHistory(trace.events),
      mode: input.mode ?? '',
      ...(input.service ? { service: input.service } : {}),
    };
  });
  const parent = all.find((a) => a.trace.parentArn === undefined);
  if (!parent) throw new Error(`the rehearsal ${record.scenario} recorded no parent execution`);
  const children = all.filter((a) => a !== parent);
  const time = new SimulatedTime(
    record.clockSpeed,
    all.flatMap((a) => a.stats.waits),
  );
  return { parent, children, time };
}

const seconds = (ms: number) => round(ms / 1000, 1);

export interface ServiceOverhead {
  readonly service: string;
  readonly totalSeconds: number;
  readonly deploymentSeconds: number;
  readonly soakSeconds: number;
  readonly dataWaitSeconds: number;
  readonly unavoidableSeconds: number;
  readonly overheadSeconds: number;
  readonly overheadRatio: number | null;
  /** Of the overhead: from the child's first step to the update (render, register, SSM, UpdateService). */
  readonly beforeUpdateSeconds: number;
  /** Of the overhead: from the soak's end to the verdict (the last poll's landing and its run time). */
  readonly afterSoakSeconds: number;
  /**
   * How long after ECS completed the deployment a poll saw it. Not overhead: the soak counts from
   * the completion time ECS reports, so a late look delays nothing.
   */
  readonly completionSeenAfterSeconds: number | null;
  readonly polls: number;
  /** Lambda run time inside the child execution (real seconds). */
  readonly lambdaSeconds: number;
  /** Why checks answered pending or error, with how many polls said so. */
  readonly pendingReasons: Readonly<Record<string, number>>;
}

/**
 * Figure 1: what each service's migration costs beyond the ECS deployment, the soak and the time
 * checks took to pass, all on the product's own clock (the times its polls measured with):
 * total = first step to verdict; unavoidable = update to ECS completion + soak + (soak start -
 * completion, when a check was not passing yet); overhead = the rest = before the update + after
 * the soak's end. The sandbox's clock runs `speed` times faster during a Lambda's real work too, so
 * the overhead's two parts count the Lambdas in them (Register and UpdateService; the last Verify)
 * at their real length, from the history: what they would take on AWS, less its network latency.
 */
export function overheadPerService(record: RehearsalRecord) {
  const { children } = analyse(record);
  const rows: ServiceOverhead[] = [];
  for (const child of children.filter((c) => c.mode === 'service-migrate' && c.service)) {
    const timeline = verifyTimeline(child.trace.events);
    if (!timeline || timeline.completedAtMs === null || timeline.soakStartMs === null) continue;
    const lambdaMs = (states: readonly string[]) =>
      sum(child.stats.lambdaInvocations.filter((i) => states.includes(i.state)).map((i) => i.durationMs));
    const lastVerifyMs =
      child.stats.lambdaInvocations.filter((i) => i.state === 'Verify').at(-1)?.durationMs ?? 0;
    const speed = record.clockSpeed;
    const firstMs = timeline.registerStartedAtMs ?? timeline.updatedAtMs;
    const deployment = timeline.completedAtMs - timeline.updatedAtMs;
    const dataWait = timeline.soakStartMs - timeline.completedAtMs;
    const unavoidable = deployment + timeline.soakMs + dataWait;
    const beforeUpdate = Math.max(
      0,
      timeline.updatedAtMs - firstMs - (speed - 1) * lambdaMs(['Register', 'UpdateService']),
    );
    // The verdict's time was read inside the last Verify: take that Lambda out at x speed, add it at x1.
    const afterSoak =
      Math.max(0, timeline.verdictAtMs - (timeline.soakStartMs + timeline.soakMs) - speed * lastVerifyMs) +
      lastVerifyMs;
    const overhead = beforeUpdate + afterSoak;
    const total = unavoidable + overhead;
    rows.push({
      service: (child.service as { name: string }).name,
      totalSeconds: seconds(total),
      deploymentSeconds: seconds(deployment),
      soakSeconds: seconds(timeline.soakMs),
      dataWaitSeconds: seconds(dataWait),
      unavoidableSeconds: seconds(unavoidable),
      overheadSeconds: seconds(overhead),
      overheadRatio: unavoidable > 0 ? round(overhead / unavoidable, 3) : null,
      beforeUpdateSeconds: seconds(beforeUpdate),
      afterSoakSeconds: seconds(afterSoak),
      completionSeenAfterSeconds:
        timeline.completionSeenAtMs !== null
          ? seconds(timeline.completionSeenAtMs - timeline.completedAtMs)
          : null,
      polls: timeline.polls,
      lambdaSeconds: round(sum(child.stats.lambdaInvocations.map((i) => i.durationMs)) / 1000, 3),
      pendingReasons: timeline.notPassing,
    });
  }
  const overheads = rows.map((r) => r.overheadSeconds);
  const ratios = rows.map((r) => r.overheadRatio).filter((r): r is number => r !== null);
  const seen = rows.map((r) => r.completionSeenAfterSeconds).filter((r): r is number => r !== null);
  return {
    services: rows,
    medianOverheadSeconds: overheads.length ? round(median(overheads), 1) : null,
    medianOverheadRatio: ratios.length ? round(median(ratios), 3) : null,
    meanCompletionSeenAfterSeconds: seen.length ? round(sum(seen) / seen.length, 1) : null,
  };
}

export interface UsageFigures {
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly lambdaBilledMs: number;
  readonly awsApiCalls: number;
  readonly httpQueries: number;
}

function usageOf(items: readonly Analysed[], requests: RehearsalRecord['requests']): UsageFigures {
  const aws = requests.filter((r) => !r.operation.startsWith('HTTP '));
  return {
    stateTransitions: sum(items.map((i) => i.stats.stateTransitions)),
    lambdaInvocations: sum(items.map((i) => i.stats.lambdaInvocations.length)),
    lambdaBilledMs: sum(items.map((i) => billedMs(i.stats.lambdaInvocations))),
    awsApiCalls: aws.length,
    httpQueries: requests.length - aws.length,
  };
}

/** States of the parent that run once per service (its loop), by name. */
export const PARENT_LOOP_STATES = new Set(['ServicesNext', 'MigrateService', 'ServiceDone']);

/**
 * Figure 3 inputs: usage per migrated service (its child execution, its share of the parent's
 * loop, the requests made while it ran) and the once-per-rollout rest.
 */
export function usagePerService(record: RehearsalRecord): {
  services: number;
  perService: UsageFigures;
  fixed: UsageFigures;
  total: UsageFigures;
} {
  const { parent, children } = analyse(record);
  const migrated = children.filter((c) => c.mode === 'service-migrate');
  const n = Math.max(1, migrated.length);
  const product = record.requests.filter(
    (r) =>
      r.origin === undefined && r.atMs >= record.rolloutWall.startMs && r.atMs <= record.rolloutWall.endMs,
  );
  const inChild = product.filter((r) =>
    migrated.some((c) => r.atMs >= c.trace.startMs && r.atMs <= (c.trace.stopMs ?? Infinity)),
  );
  const loopTransitions = parent.trace.events.filter(
    (e) => e.type.endsWith('StateEntered') && PARENT_LOOP_STATES.has(e.stateName ?? ''),
  ).length;
  const childUsage = usageOf(migrated, inChild);
  const total = usageOf([parent, ...children], product);
  const perService: UsageFigures = {
    stateTransitions: round((childUsage.stateTransitions + loopTransitions) / n, 2),
    lambdaInvocations: round(childUsage.lambdaInvocations / n, 2),
    lambdaBilledMs: round(childUsage.lambdaBilledMs / n, 0),
    awsApiCalls: round(childUsage.awsApiCalls / n, 2),
    httpQueries: round(childUsage.httpQueries / n, 2),
  };
  const fixed: UsageFigures = {
    stateTransitions: total.stateTransitions - childUsage.stateTransitions - loopTransitions,
    lambdaInvocations: total.lambdaInvocations - childUsage.lambdaInvocations,
    lambdaBilledMs: total.lambdaBilledMs - childUsage.lambdaBilledMs,
    awsApiCalls: total.awsApiCalls - childUsage.awsApiCalls,
    httpQueries: total.httpQueries - childUsage.httpQueries,
  };
  return { services: migrated.length, perService, fixed, total };
}

/** The parsed output of each exit of a state, in order. */
function exits(events: readonly HistoryEventLike[], stateName: string): Record<string, unknown>[] {
  return events
    .filter((e) => e.type === 'TaskStateExited' && e.stateName === stateName && e.data)
    .flatMap((e) => {
      try {
        return [JSON.parse(e.data as string) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/**
 * Figure 2: from the first bad evidence (a line's own timestamp in Loki) to the failed verdict, to
 * the rollback's UpdateService and to CloudWatch verified again, on the product's clock (the times
 * its Lambdas measured with, which the sandbox's Loki shares).
 */
export function detectAndRollBack(
  record: RehearsalRecord,
  faultyService: string,
  badFromMs: number | undefined,
) {
  const { children } = analyse(record);
  if (badFromMs === undefined)
    return {
      error: `no bad line of ${faultyService} reached Loki, so there is no moment the evidence turned bad`,
    };
  const own = children.filter((c) => c.service?.name === faultyService && c.mode === 'service-migrate');
  const failed = own
    .flatMap((c) => exits(c.trace.events, 'Verify'))
    .map(
      (o) =>
        o['verify'] as {
          verdict?: string;
          check?: { name?: string };
          verification?: { lastPollAtMs?: number };
        },
    )
    .find((v) => v?.verdict === 'failed');
  const verdictAtMs = failed?.verification?.lastPollAtMs;
  const rollbackAtMs = own
    .flatMap((c) => exits(c.trace.events, 'Rollback'))
    .map((o) => (o['rollback'] as { updatedAtMs?: number } | undefined)?.updatedAtMs)
    .find((t): t is number => typeof t === 'number');
  // Every child that verified a rollback (the failing one and, scope all, each rollback child).
  const verified = children
    .map((c) => exits(c.trace.events, 'VerifyCloudWatch').at(-1))
    .map((o) => o?.['cloudwatch'] as { verdict?: string; summary?: { finishedAt?: string } } | undefined)
    .filter((cw) => cw?.verdict === 'passed' && cw.summary?.finishedAt)
    .map((cw) => Date.parse(cw?.summary?.finishedAt ?? ''))
    .sort((x, y) => x - y);
  const from = (t: number | undefined) => (t === undefined ? null : seconds(t - badFromMs));
  return {
    status: record.result.status,
    failedCheck: failed?.check?.name ?? null,
    toVerdictSeconds: from(verdictAtMs),
    toFirstRollbackUpdateSeconds: from(rollbackAtMs),
    verdictToRollbackUpdateSeconds:
      verdictAtMs !== undefined && rollbackAtMs !== undefined ? seconds(rollbackAtMs - verdictAtMs) : null,
    toFirstCloudWatchVerifiedSeconds: from(verified[0]),
    toAllCloudWatchVerifiedSeconds: from(verified.at(-1)),
    servicesRolledBack: record.result.rolledBackServices,
  };
}

/** Figure 6: Step Functions requests per simulated minute while the Action follows the rollout. */
export function followingCost(record: RehearsalRecord) {
  const { time } = analyse(record);
  const minutes = time.between(record.rolloutWall.startMs, record.rolloutWall.endMs) / 60_000;
  const requests = sum(Object.values(record.followerCalls));
  return {
    requests,
    byOperation: record.followerCalls,
    rolloutSimulatedMinutes: round(minutes, 2),
    requestsPerMinute: minutes > 0 ? round(requests / minutes, 1) : null,
    stepLineLatency: lineLatency(record.followerLineDelaysMs, record.clockSpeed),
  };
}

/**
 * How far each printed step line trailed its history event. The follower follows on the sandbox's
 * clock, which runs `speed` times the wall clock (its polls, pacing and request times all count on
 * it), so its delays are the wall delays times the speed: the figure the Action's 5 s promise is
 * about.
 */
export function lineLatency(delaysMs: readonly number[], speed: number, boundMs = 5000) {
  if (delaysMs.length === 0) return null;
  const sorted = [...delaysMs].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] as number;
  const worst = sorted[sorted.length - 1] as number;
  return {
    lines: sorted.length,
    followerClock: {
      medianMs: Math.round(median(sorted) * speed),
      p95Ms: Math.round(p95 * speed),
      worstMs: Math.round(worst * speed),
      linesOverBound: sorted.filter((d) => d * speed > boundMs).length,
      boundMs,
    },
    wall: { medianMs: Math.round(median(sorted)), p95Ms: Math.round(p95), worstMs: Math.round(worst) },
  };
}

/** Bytes of each top-level field of a JSON state payload (and of the fields inside the largest one), largest first. */
export function payloadBreakdown(data: string, top = 6): { field: string; bytes: number }[] {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return [];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const fields = (prefix: string, o: Record<string, unknown>) =>
    Object.entries(o).map(([k, v]) => ({
      field: `${prefix}${k}`,
      bytes: Buffer.byteLength(JSON.stringify(v) ?? ''),
      value: v,
    }));
  const first = fields('', value as Record<string, unknown>).sort((a, b) => b.bytes - a.bytes);
  const largest = first[0];
  const inner =
    largest && largest.value && typeof largest.value === 'object' && !Array.isArray(largest.value)
      ? fields(`${largest.field}.`, largest.value as Record<string, unknown>)
      : [];
  return [...first, ...inner]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top)
    .map(({ field, bytes }) => ({ field, bytes }));
}

/** A point of the parent's growth: after `services` services, its history had `events` events and its state `payloadBytes` bytes. */
export interface GrowthPoint {
  readonly services: number;
  readonly events: number;
  readonly payloadBytes: number;
}

/**
 * The parent's history and state at each ServiceDone (one per service): events so far and the size
 * of the state it carries on. Payloads at the limit are left out (the history truncates them there).
 */
export function parentGrowth(events: readonly HistoryEventLike[], payloadLimit: number): GrowthPoint[] {
  const points: GrowthPoint[] = [];
  let done = 0;
  events.forEach((e, i) => {
    if (e.type !== 'PassStateExited' || e.stateName !== 'ServiceDone' || e.data === undefined) return;
    done += 1;
    const bytes = Buffer.byteLength(e.data);
    if (bytes < payloadLimit) points.push({ services: done, events: i + 1, payloadBytes: bytes });
  });
  return points;
}

/** Figure 4 inputs: events per execution and the largest state payload of the parent. */
export function historySizes(record: RehearsalRecord) {
  const { parent, children } = analyse(record);
  const childEvents = children.map((c) => c.stats.events);
  const largest = parent.trace.events.reduce<{ data?: string; state?: string }>(
    (best, e) =>
      e.data !== undefined && Buffer.byteLength(e.data) > Buffer.byteLength(best.data ?? '')
        ? { data: e.data, ...(e.stateName ? { state: e.stateName } : {}) }
        : best,
    {},
  );
  return {
    services: record.services,
    parentEvents: parent.stats.events,
    childEventsMax: childEvents.length ? Math.max(...childEvents) : 0,
    childEventsMedian: childEvents.length ? median(childEvents) : 0,
    parentMaxPayloadBytes: parent.stats.maxPayloadBytes,
    parentMaxPayloadState: largest.state ?? null,
    parentMaxPayloadFields: largest.data ? payloadBreakdown(largest.data) : [],
    executions: 1 + children.length,
    growth: parentGrowth(parent.trace.events, EXECUTION_LIMITS.payloadBytes),
    /** Events the parent adds after the last service (finalize, outcome). */
    parentTailEvents:
      parent.stats.events -
      (parent.trace.events.findLastIndex(
        (e) => e.type === 'PassStateExited' && e.stateName === 'ServiceDone',
      ) +
        1),
  };
}
