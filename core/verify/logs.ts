import { LABELS } from '../queries/labels';
import type { Labels, MetricSample } from '../queries/results';
import { capList, isoWindow, listForMessage, measurementData } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import { recordSampleFaults } from './samples';
import type { Assessment, Measurement, TimeWindow } from './types';

export interface LogsInput {
  /** Check name in the report; default "logs". */
  readonly name?: string;
  /** The service's `service_name`, for messages. */
  readonly service: string;
  /** The range the counts cover; the instant queries are evaluated at its end. */
  readonly window: TimeWindow;
  /** Running tasks of the new deployment (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  readonly requiredLabels: readonly string[];
  /** Fraction of lines allowed to fail `| json` (the plan's maxJsonErrorRatio). */
  readonly maxJsonErrorRatio: number;
  /** Result of `logLinesByTask`: one sample per task_id. */
  readonly linesByTask: Measurement<readonly MetricSample[]>;
  /** Result of `jsonErrorsByTask`. An empty result is zero errors (Loki omits series with no lines). */
  readonly jsonErrorsByTask: Measurement<readonly MetricSample[]>;
  /** Label sets of the service's streams (series API on `streamLabelsSelector`). */
  readonly streams: Measurement<readonly Labels[]>;
}

function countsByTask(samples: readonly MetricSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const task = sample.labels[LABELS.task] ?? '';
    if (Number.isFinite(sample.value)) counts.set(task, (counts.get(task) ?? 0) + sample.value);
  }
  return counts;
}

function labelSetText(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/**
 * Every new task has at least one line under its own task_id, every stream of the service has
 * the required labels, and the JSON parse error ratio stays within the threshold. Missing data is
 * `pending`, never `passed`; an error body is `error`; bad labels or too many parse errors are
 * `failed` at once, because waiting does not fix a config.
 */
export function assessLogs(input: LogsInput): Assessment {
  const findings = new Findings();
  const errors = recordMeasurementErrors(findings, [
    ['lines', input.linesByTask],
    ['json errors', input.jsonErrorsByTask],
    ['streams', input.streams],
  ]);
  const unsound = recordSampleFaults(findings, input.window.endMs, [
    ['lines', input.linesByTask],
    ['json errors', input.jsonErrorsByTask],
  ]);
  const expected = expectedTasks(findings, input.expectedTaskIds, 'new');

  // Lines per expected task.
  const lineSamples = measurementData(input.linesByTask);
  const lines = lineSamples ? countsByTask(lineSamples) : undefined;
  const tasksWithoutLines = lines ? expected.filter((id) => (lines.get(id) ?? 0) < 1) : [];
  if (lines && tasksWithoutLines.length > 0) {
    findings.add(
      'pending',
      `${tasksWithoutLines.length} of ${expected.length} tasks have no lines in Loki yet: ${listForMessage(tasksWithoutLines)}`,
    );
  }
  const otherTasks = lines ? [...lines.keys()].filter((id) => !expected.includes(id)) : [];

  // Required labels on every stream.
  const streams = measurementData(input.streams);
  const streamsMissingLabels = (streams ?? [])
    .map((labels) => ({
      stream: labelSetText(labels),
      missing: input.requiredLabels.filter((name) => (labels[name] ?? '') === ''),
    }))
    .filter((s) => s.missing.length > 0);
  if (streams && streams.length === 0) {
    findings.add('pending', `no streams for service ${input.service} in Loki yet`);
  } else if (streamsMissingLabels.length > 0) {
    const first = streamsMissingLabels[0]!;
    findings.add(
      'failed',
      `${streamsMissingLabels.length} stream(s) lack required labels, e.g. ${first.stream} has no ${first.missing.join(', ')}`,
    );
  }

  // JSON parse error ratio, over the new tasks only: the claim is about the new deployment.
  const errorSamples = measurementData(input.jsonErrorsByTask);
  const jsonErrors = errorSamples ? countsByTask(errorSamples) : undefined;
  let jsonErrorRatio: number | undefined;
  let errorLines = 0;
  let totalLines = 0;
  if (lines && jsonErrors) {
    for (const id of expected) {
      totalLines += lines.get(id) ?? 0;
      errorLines += jsonErrors.get(id) ?? 0;
    }
    if (totalLines > 0) {
      jsonErrorRatio = errorLines / totalLines;
      if (jsonErrorRatio > input.maxJsonErrorRatio) {
        findings.add(
          'failed',
          `${errorLines} of ${totalLines} lines are not valid JSON (ratio ${round(jsonErrorRatio)}, allowed ${input.maxJsonErrorRatio})`,
        );
      }
    }
  }

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  const message =
    verdict === 'passed'
      ? `all ${expected.length} tasks of ${input.service} ship labelled, parseable logs to Loki (${totalLines} lines, ${errorLines} not JSON)`
      : findings.message;

  return {
    name: input.name ?? 'logs',
    verdict,
    message,
    evidence: {
      query: input.linesByTask.query,
      queries: {
        linesByTask: input.linesByTask.query,
        jsonErrorsByTask: input.jsonErrorsByTask.query,
        streams: input.streams.query,
      },
      window: isoWindow(input.window),
      values: {
        ...shown,
        linesByTask: lines
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, lines.get(id) ?? 0]))
          : null,
        jsonErrorsByTask: jsonErrors
          ? Object.fromEntries(shown.expectedTaskIds.map((id) => [id, jsonErrors.get(id) ?? 0]))
          : null,
        jsonErrorRatio: jsonErrorRatio ?? null,
        tasksWithoutLines: capList(tasksWithoutLines).items,
        otherTaskIds: capList(otherTasks).items,
        streamCount: streams ? streams.length : null,
        streamsMissingLabels: capList(streamsMissingLabels).items,
        errors,
        unsoundSamples: unsound,
      },
      threshold: {
        linesPerTask: '>= 1',
        requiredLabels: [...input.requiredLabels],
        maxJsonErrorRatio: input.maxJsonErrorRatio,
      },
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
