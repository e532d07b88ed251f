import type { MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData, taskIdOf } from './evidence';
import { Findings, recordMeasurementErrors } from './findings';
import type { Assessment, Measurement, TimeWindow } from './types';

/**
 * Loki must hold a line within 30 s of its writing (seed 003, Property 1), and awslogs batches its
 * puts to CloudWatch every few seconds: a window that ended this long ago is closed on both sides.
 */
export const SHADOW_CLOSE_LAG_MS = 30_000;

/** One awslogs stream the shadow revision writes: a main container of one running task. */
export interface ShadowStreamRef {
  readonly taskId: string;
  readonly container: string;
  readonly logGroup: string;
  readonly logStream: string;
}

/**
 * The window both sides are counted over: it opens when the last task of the shadow deployment
 * started (every stream exists from then on, and Alloy's docker source reads a container's cache
 * from its start, so nothing of the window is before Alloy could read it) and lasts the plan's
 * shadow duration. It may be counted once it ended SHADOW_CLOSE_LAG_MS ago; until then
 * `readyAtMs` says when.
 */
export function shadowWindow(input: {
  readonly taskStartsMs: readonly number[];
  readonly durationMs: number;
}): { readonly window: TimeWindow; readonly readyAtMs: number } | null {
  if (input.taskStartsMs.length === 0) return null;
  const startMs = Math.max(...input.taskStartsMs);
  const endMs = startMs + input.durationMs;
  return { window: { startMs, endMs }, readyAtMs: endMs + SHADOW_CLOSE_LAG_MS };
}

export interface ShadowInput {
  /** Check name in the report; default "shadow". */
  readonly name?: string;
  readonly service: string;
  readonly minCompleteness: number;
  readonly durationMs: number;
  /** When the counts were (or would be) taken. */
  readonly nowMs: number;
  /** The window (shadowWindow) or null while no task of the shadow deployment runs. */
  readonly window: { readonly window: TimeWindow; readonly readyAtMs: number } | null;
  /** Whether ECS reports the shadow deployment COMPLETED (the task set no longer changes). */
  readonly deploymentCompleted: boolean;
  readonly streams: readonly ShadowStreamRef[];
  /** CloudWatch events per stream name over the window (absent until the window is ready). */
  readonly cloudwatch?: Measurement<Readonly<Record<string, number>>> | undefined;
  /** Loki lines by task_id and container_name over the window. */
  readonly loki?: Measurement<readonly MetricSample[]> | undefined;
  /** API requests the counts took, for the cost figure in the evidence. */
  readonly requests?: { readonly cloudwatch: number; readonly loki: number };
}

/** One stream's figures, as the evidence and the job summary show them. */
export interface StreamCompleteness {
  readonly task: string;
  readonly container: string;
  readonly cloudwatch: number;
  readonly loki: number;
  /** loki / cloudwatch, 1 when CloudWatch has no line (nothing to lose); 6 decimals. */
  readonly completeness: number;
}

function ratio(loki: number, cloudwatch: number): number {
  if (cloudwatch === 0) return 1;
  return Math.round((loki / cloudwatch) * 1e6) / 1e6;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

function describe(s: StreamCompleteness): string {
  return `${s.task}/${s.container} ${s.loki}/${s.cloudwatch} (${percent(s.completeness)})`;
}

/**
 * The shadow step's decision: over the same closed window, every awslogs stream of the shadow
 * deployment (task x main container) must have at least `minCompleteness` of its CloudWatch lines
 * in Loki. Pending while the deployment is in progress or the window has not closed; failed when
 * a stream falls short; the evidence lists every stream's figures (the worst first).
 */
export function assessShadow(input: ShadowInput): Assessment {
  const name = input.name ?? 'shadow';
  const findings = new Findings();
  const threshold = `Loki lines >= ${input.minCompleteness} x CloudWatch events for every task and main container, over ${input.durationMs / 1000}s ending at least ${SHADOW_CLOSE_LAG_MS / 1000}s before the count`;
  const base = {
    name,
    evidence: { threshold, ...(input.window ? { window: isoWindow(input.window.window) } : {}) },
  };
  if (!input.deploymentCompleted || !input.window)
    return {
      ...base,
      verdict: 'pending',
      message: `waiting for the shadow deployment of ${input.service} to complete before its window opens`,
    };
  if (input.nowMs < input.window.readyAtMs || !input.cloudwatch || !input.loki) {
    const left = Math.max(0, Math.ceil((input.window.readyAtMs - input.nowMs) / 1000));
    return {
      ...base,
      verdict: 'pending',
      message: `shadow window of ${input.service} closes for counting in ${left}s`,
      nextDeadlineMs: input.window.readyAtMs,
    };
  }
  const errors = recordMeasurementErrors(findings, [
    ['CloudWatch event counts', input.cloudwatch],
    ['Loki line counts', input.loki],
  ]);
  const cw = measurementData(input.cloudwatch);
  const lokiSamples = measurementData(input.loki);
  const lokiBy = new Map<string, number>();
  for (const s of lokiSamples ?? []) {
    const key = `${s.labels['task_id'] ?? ''}\u0000${s.labels['container_name'] ?? ''}`;
    lokiBy.set(key, (lokiBy.get(key) ?? 0) + s.value);
  }
  const figures: StreamCompleteness[] =
    cw && lokiSamples
      ? input.streams.map((s) => {
          const task = taskIdOf(s.taskId);
          const cloudwatch = cw[s.logStream] ?? 0;
          const loki = lokiBy.get(`${task}\u0000${s.container}`) ?? 0;
          return { task, container: s.container, cloudwatch, loki, completeness: ratio(loki, cloudwatch) };
        })
      : [];
  figures.sort((a, b) => a.completeness - b.completeness || a.task.localeCompare(b.task));
  if (cw && lokiSamples && input.streams.length === 0)
    findings.add('pending', 'no awslogs stream of the shadow deployment to compare yet');
  const short = figures.filter((f) => f.completeness < input.minCompleteness);
  if (short.length > 0)
    findings.add(
      'failed',
      `${short.length} of ${figures.length} stream(s) below ${percent(input.minCompleteness)} of CloudWatch's lines in Loki: ${listForMessage(short.map(describe))}`,
    );
  const totals = figures.reduce(
    (t, f) => ({ cloudwatch: t.cloudwatch + f.cloudwatch, loki: t.loki + f.loki }),
    { cloudwatch: 0, loki: 0 },
  );
  const verdict = findings.verdict;
  const worst = figures[0];
  return {
    name,
    verdict,
    message:
      verdict === 'passed'
        ? `${totals.loki}/${totals.cloudwatch} lines (${percent(ratio(totals.loki, totals.cloudwatch))}) in Loki over the shadow window, each of the ${figures.length} stream(s) of ${input.service} >= ${percent(input.minCompleteness)}; lowest ${worst ? describe(worst) : 'none'}`
        : findings.message,
    evidence: {
      ...base.evidence,
      query: input.loki.query,
      source: input.cloudwatch.query,
      values: {
        minCompleteness: input.minCompleteness,
        totals: { ...totals, completeness: ratio(totals.loki, totals.cloudwatch) },
        streams: capList(figures).items,
        moreStreams: capList(figures).more,
        ...(input.requests ? { requests: input.requests } : {}),
        ...(Object.keys(errors).length > 0 ? { errors } : {}),
      },
    },
  };
}
