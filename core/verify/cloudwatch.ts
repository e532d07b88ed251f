import { capList, isoWindow, listForMessage, measurementData, taskIdOf } from './evidence';
import { expectedTasks, expectedTasksEvidence, Findings, recordMeasurementErrors } from './findings';
import type { Assessment, Measurement } from './types';

export interface LogStreamSeen {
  readonly logGroupName: string;
  /** awslogs names streams `<prefix>/<container>/<task id>`. */
  readonly logStreamName: string;
  /**
   * Newest event seen in the stream. Take it from FilterLogEvents/GetLogEvents with
   * startTime = rollback start: DescribeLogStreams' lastEventTimestamp is eventually consistent
   * (it can lag by up to an hour) and would keep the check pending.
   */
  readonly newestEventMs?: number | undefined;
}

export interface CloudWatchInput {
  /** Check name in the report; default "cloudwatch". */
  readonly name?: string;
  readonly service: string;
  /** The service's log groups (from the plan's logGroupPattern or the baseline task definition). */
  readonly logGroups: readonly string[];
  readonly rollbackStartedAtMs: number;
  /** When the streams were read; the end of the evidence window. */
  readonly nowMs: number;
  /** Running tasks of the baseline deployment (ids or ARNs). */
  readonly expectedTaskIds: readonly string[];
  readonly streams: Measurement<readonly LogStreamSeen[]>;
}

/**
 * After a rollback, every running task of the baseline deployment writes to CloudWatch again:
 * some stream of one of the service's log groups, named after the task, has an event newer than
 * the rollback start. Nothing seen yet is `pending` (settle fails it at the deadline).
 */
export function assessCloudWatch(input: CloudWatchInput): Assessment {
  const findings = new Findings();
  const error = recordMeasurementErrors(findings, [['log streams', input.streams]])['log streams'];
  const expected = expectedTasks(findings, input.expectedTaskIds, 'baseline');

  const groups = new Set(input.logGroups);
  const streams = measurementData(input.streams);
  const newestByTask = new Map<string, number>();
  for (const stream of streams ?? []) {
    if (!groups.has(stream.logGroupName) || stream.newestEventMs === undefined) continue;
    const id = taskIdOf(stream.logStreamName);
    newestByTask.set(id, Math.max(newestByTask.get(id) ?? 0, stream.newestEventMs));
  }
  const fresh = (id: string) => (newestByTask.get(id) ?? 0) > input.rollbackStartedAtMs;
  const silentTasks = streams ? expected.filter((id) => !fresh(id)) : [];
  if (silentTasks.length > 0) {
    findings.add(
      'pending',
      `${silentTasks.length} of ${expected.length} tasks have no CloudWatch events since the rollback started: ${listForMessage(silentTasks)}`,
    );
  }

  const verdict = findings.verdict;
  const shown = expectedTasksEvidence(expected);
  return {
    name: input.name ?? 'cloudwatch',
    verdict,
    message:
      verdict === 'passed'
        ? `all ${expected.length} tasks of ${input.service} write to CloudWatch again (${input.logGroups.join(', ')})`
        : findings.message,
    evidence: {
      query: `log events in ${input.logGroups.join(', ')} since ${new Date(input.rollbackStartedAtMs).toISOString()}`,
      source: input.streams.query,
      window: isoWindow({ startMs: input.rollbackStartedAtMs, endMs: input.nowMs }),
      values: {
        ...shown,
        newestEventByTask: Object.fromEntries(
          shown.expectedTaskIds.map((id) => {
            const newest = newestByTask.get(id);
            return [id, newest === undefined ? null : new Date(newest).toISOString()];
          }),
        ),
        silentTasks: capList(silentTasks).items,
        ...(error !== undefined ? { error } : {}),
      },
      threshold: 'an event newer than the rollback start for every task',
    },
  };
}
