import { formatDuration } from '../plan/duration';
import { LABELS } from '../queries/labels';
import type { Labels, MetricSeries } from '../queries/results';
import { capList, listForMessage, measurementData, taskIdOf } from './evidence';
import type { Findings } from './findings';
import {
  BASELINE_LABEL_KEY_LIMIT,
  baselineKeysOf,
  labelKeysByName,
  targetCadence,
  type MetricBaselineReading,
} from './metric-baseline';
import { globMatcher } from './metric-globs';
import type { TaskStarts } from './task-clock';
import type { Measurement } from './types';

/**
 * The label keys the rendered Alloy config adds to every series (core/alloy/render/metrics.ts,
 * its prometheus.relabel rules): a name that gains them has not changed.
 */
export const ADDED_LABEL_KEYS: readonly string[] = [LABELS.service, LABELS.task];

export interface MetricContinuityInput {
  readonly service: string;
  /** `$.register.baseline.metrics`: undefined when Register measured none (the service already ran Alloy). */
  readonly baseline: MetricBaselineReading | undefined;
  readonly requireBaseline: boolean;
  /** The new tasks' series, from the series API over the baseline's window length. */
  readonly series: Measurement<readonly Labels[]>;
  /** The new tasks' raw `up` samples over the cadence window. */
  readonly up: Measurement<readonly MetricSeries[]>;
  /** Task ids (not ARNs) of the new deployment. */
  readonly expectedTaskIds: readonly string[];
  readonly taskStarts?: TaskStarts | undefined;
  readonly evaluatedAtMs: number;
  /** The plan's mayDisappear globs: such names may be gone, whatever the baseline says. */
  readonly mayDisappear: readonly string[];
  readonly maxCadenceDeviation: number;
  readonly cadenceWindowMs: number;
}

export interface MetricContinuity {
  readonly evidence: Record<string, unknown>;
  /** For a passing message: what was found continuous ("9 baseline metric name(s) back ..."). */
  readonly summary: string;
  /** When a `pending` here turns `failed` (the oldest new task reaches the deadline), if ahead. */
  readonly nextDeadlineMs?: number;
}

interface ChangedKeys {
  readonly name: string;
  readonly lost: string[];
  readonly added: string[];
}

/** How long the oldest new task has run at `atMs`, or undefined when no start is known. */
function oldestAgeMs(
  ids: readonly string[],
  starts: TaskStarts | undefined,
  atMs: number,
): number | undefined {
  if (!starts) return undefined;
  const byId = new Map(Object.entries(starts.startedAtMs).map(([k, v]) => [taskIdOf(k), v]));
  const ages = ids.flatMap((id) => {
    const at = byId.get(id);
    return at === undefined ? [] : [atMs - at];
  });
  return ages.length > 0 ? Math.max(...ages) : undefined;
}

function startOf(id: string, starts: TaskStarts | undefined): number | undefined {
  if (!starts) return undefined;
  for (const [k, v] of Object.entries(starts.startedAtMs)) if (taskIdOf(k) === id) return v;
  return undefined;
}

const fixed1 = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * Names and label keys: every baseline name is exported again by the new tasks, with the same
 * label keys plus the ones Alloy adds. Missing names and changed keys are `pending` while the
 * oldest new task is younger than the deadline (a name that a code path emits only now and then
 * may not have appeared yet), `failed` after it.
 */
function assessNames(
  findings: Findings,
  input: MetricContinuityInput,
  baseline: Exclude<MetricBaselineReading, { unreadable: string }>,
): { evidence: Record<string, unknown>; nextDeadlineMs?: number } {
  const series = measurementData(input.series);
  const counts = {
    baselineNames: Object.keys(baseline.names).length,
    namesSeenInBaseline: baseline.namesSeen,
    allowlisted: baseline.namesAllowlisted,
    leftOutByCap: baseline.namesLeftOut,
  };
  if (!series) return { evidence: { ...counts, checked: false } };
  const allowed = globMatcher(input.mayDisappear);
  const now = labelKeysByName(series);
  const missing: string[] = [];
  const changed: ChangedKeys[] = [];
  for (const name of Object.keys(baseline.names).sort()) {
    if (allowed(name)) continue;
    const before = baselineKeysOf(baseline, name) ?? [];
    const after = now.get(name);
    if (!after) {
      missing.push(name);
      continue;
    }
    const lost = before.filter((k) => !after.has(k));
    // A baseline cut at the key limit cannot say which keys are new.
    const added =
      before.length >= BASELINE_LABEL_KEY_LIMIT
        ? []
        : [...after].filter((k) => !before.includes(k) && !ADDED_LABEL_KEYS.includes(k)).sort();
    if (lost.length > 0 || added.length > 0) changed.push({ name, lost, added });
  }
  const age = oldestAgeMs(input.expectedTaskIds, input.taskStarts, input.evaluatedAtMs);
  const deadlineMs = input.taskStarts?.deadlineMs;
  const overdue = age !== undefined && deadlineMs !== undefined && age >= deadlineMs;
  const verdict = overdue ? 'failed' : 'pending';
  const youngNote = overdue
    ? ''
    : ` (the oldest new task has run ${age === undefined ? 'an unknown time' : formatDuration(Math.max(0, Math.round(age / 1000) * 1000))}${deadlineMs !== undefined ? ` of ${formatDuration(deadlineMs)}` : ''})`;
  if (missing.length > 0)
    findings.add(
      verdict,
      `${missing.length} metric(s) of the baseline missing after the switch: ${listForMessage(missing)}${youngNote}`,
    );
  if (changed.length > 0)
    findings.add(
      verdict,
      `${changed.length} metric(s) changed label keys after the switch: ${listForMessage(
        changed.map(
          (c) =>
            `${c.name} (${[c.lost.length > 0 ? `lost ${c.lost.join(',')}` : '', c.added.length > 0 ? `added ${c.added.join(',')}` : ''].filter(Boolean).join('; ')})`,
        ),
      )}${youngNote}`,
    );
  const pendingUntil =
    !overdue && age !== undefined && deadlineMs !== undefined && (missing.length > 0 || changed.length > 0)
      ? input.evaluatedAtMs - age + deadlineMs
      : undefined;
  return {
    evidence: {
      ...counts,
      missing: capList(missing).items,
      missingCount: missing.length,
      changedLabelKeys: capList(changed).items,
      changedCount: changed.length,
      addedKeysAllowed: ADDED_LABEL_KEYS,
    },
    ...(pendingUntil !== undefined ? { nextDeadlineMs: pendingUntil } : {}),
  };
}

/**
 * Scrape cadence: each target of each new task that ran for the whole cadence window is scraped
 * within maxCadenceDeviation of the baseline's samples per minute. A task younger than the window
 * is not judged yet (its window would hold the time before it ran): passing for the soak, but
 * inconclusive, so the service cannot pass before it is judged; a target outside the band is
 * `failed` at once: the interval is configuration, waiting does not change it.
 */
function assessCadence(
  findings: Findings,
  input: MetricContinuityInput,
  baseline: Exclude<MetricBaselineReading, { unreadable: string }>,
): Record<string, unknown> {
  const base = baseline.cadence;
  if (!base) {
    findings.note('scrape cadence not checked: no target had two samples in the baseline window');
    return { checked: false, reason: 'no baseline cadence' };
  }
  const up = measurementData(input.up);
  if (!up) return { checked: false, baselineSamplesPerMinute: base.samplesPerMinute };
  const fromMs = input.evaluatedAtMs - input.cadenceWindowMs;
  const young: string[] = [];
  const unjudged: string[] = [];
  const judged: { task: string; target: string; samplesPerMinute: number; samples: number }[] = [];
  // How many samples the baseline's cadence puts in one window.
  const expectedInWindow = (base.samplesPerMinute * input.cadenceWindowMs) / 60_000;
  for (const id of input.expectedTaskIds) {
    const start = startOf(id, input.taskStarts);
    if (start === undefined || start > fromMs) {
      young.push(id);
      continue;
    }
    for (const s of up.filter((x) => x.labels[LABELS.task] === id)) {
      const target = s.labels['instance'] ?? '';
      const samples = s.points.filter((p) => p.timestampMs >= fromMs).length;
      const measured = targetCadence(s.points, fromMs);
      if (measured) {
        judged.push({ task: id, target, samplesPerMinute: measured.samplesPerMinute, samples });
      } else if (expectedInWindow >= 2) {
        // Fewer than two samples in a whole window that the baseline fills with two or more: the
        // rate is at most that many per window, which is what is compared.
        judged.push({
          task: id,
          target,
          samplesPerMinute: (samples * 60_000) / input.cadenceWindowMs,
          samples,
        });
      } else unjudged.push(`${id}${target ? ` ${target}` : ''}`);
    }
  }
  const low = base.samplesPerMinute * (1 - input.maxCadenceDeviation);
  const high = base.samplesPerMinute * (1 + input.maxCadenceDeviation);
  const outside = judged.filter((j) => j.samplesPerMinute < low || j.samplesPerMinute > high);
  if (outside.length > 0)
    findings.add(
      'failed',
      `scrape cadence changed: ${outside.length} target(s) at ${listForMessage(
        outside.map((o) => `${o.task}${o.target ? ` ${o.target}` : ''} ${fixed1(o.samplesPerMinute)}/min`),
      )}, baseline ${fixed1(base.samplesPerMinute)}/min (within ${Math.round(input.maxCadenceDeviation * 100)} %)`,
    );
  if (unjudged.length > 0)
    findings.add(
      'pending',
      `scrape cadence of ${unjudged.length} target(s) not judged: fewer than two samples in the ${formatDuration(input.cadenceWindowMs)} window, which holds fewer than two of the baseline's intervals (set verification.metrics.cadenceWindow to at least two scrape intervals): ${listForMessage(unjudged)}`,
    );
  // Young tasks do not hold the soak back (their cadence is judged within the soak, once they ran
  // the window); the service still cannot pass before it is judged.
  if (young.length > 0)
    findings.notYetJudged(
      `scrape cadence of ${young.length} task(s) not judged yet: running less than the ${formatDuration(input.cadenceWindowMs)} cadence window: ${listForMessage(young)}`,
    );
  return {
    baselineSamplesPerMinute: base.samplesPerMinute,
    baselineTargets: base.targets,
    allowed: { min: Math.round(low * 1000) / 1000, max: Math.round(high * 1000) / 1000 },
    window: formatDuration(input.cadenceWindowMs),
    targets: capList(
      judged.map((j) => ({ ...j, samplesPerMinute: Math.round(j.samplesPerMinute * 1000) / 1000 })),
    ).items,
    targetsJudged: judged.length,
    outside: outside.length,
    youngTasks: capList(young).items,
    unjudgedTargets: capList(unjudged).items,
  };
}

/**
 * Seed 003 Property 3 beyond the series count: the metric names, their label keys and the scrape
 * cadence Register measured under ADOT, against what the new tasks export. A baseline that was
 * not read is judged as the series count's is: with requireBaseline it cannot have come this far
 * (Register refuses), so a state that lost it fails; without, the message says what was skipped.
 */
export function assessMetricContinuity(findings: Findings, input: MetricContinuityInput): MetricContinuity {
  const { baseline } = input;
  if (baseline === undefined) {
    findings.note(
      'metric names and cadence not checked: no baseline was measured (the service already ran Alloy)',
    );
    return { evidence: { skipped: 'no baseline measured' }, summary: '' };
  }
  if ('unreadable' in baseline) {
    if (input.requireBaseline) {
      findings.add(
        'failed',
        `no metric baseline was recorded for ${input.service} before the switch (${baseline.unreadable}): name continuity cannot be judged`,
      );
      return { evidence: { baseline: null, unreadable: baseline.unreadable }, summary: '' };
    }
    findings.note(
      'metric names and cadence not checked: the baseline could not be read and the plan sets verification.metrics.requireBaseline: false',
    );
    return {
      evidence: {
        skipped: 'baseline not read; plan opts out (requireBaseline: false)',
        unreadable: baseline.unreadable,
      },
      summary: '',
    };
  }
  const names = assessNames(findings, input, baseline);
  const cadence = assessCadence(findings, input, baseline);
  const judged = typeof cadence['targetsJudged'] === 'number' ? cadence['targetsJudged'] : 0;
  const summary = [
    `${Object.keys(baseline.names).length} baseline metric name(s) back with their label keys`,
    ...(baseline.cadence && judged > 0
      ? [`${judged} target(s) at the baseline's ${fixed1(baseline.cadence.samplesPerMinute)} samples/min`]
      : []),
  ].join(', ');
  return {
    summary,
    evidence: { baselineMeasuredAt: baseline.measuredAt, names: names.evidence, cadence },
    ...(names.nextDeadlineMs !== undefined ? { nextDeadlineMs: names.nextDeadlineMs } : {}),
  };
}
