import { collectorOf, logDriverOf } from '../../core/taskdef';
import type { AnyTaskDefinition } from '../../core/taskdef/types';
import type { TaskDefinition } from '../ecs/model';

/** What a service's running tasks are: one value when they agree, `mixed` when they do not. */
export interface RunningState {
  /** Absent when no task runs, or none has a collector. */
  readonly finalCollector?: 'alloy' | 'adot' | 'mixed';
  /** Absent when no task runs, or none sets a log driver. */
  readonly finalLogDriver?: 'json-file' | 'awslogs' | 'mixed';
}

function agreed<T extends string, N extends T>(
  values: readonly T[],
  none: N,
): Exclude<T, N> | 'mixed' | undefined {
  const seen = new Set(values.filter((v): v is Exclude<T, N> => v !== none));
  if (seen.size === 0) return undefined;
  if (seen.size > 1) return 'mixed';
  return [...seen][0];
}

/**
 * Read from the task definitions the RUNNING tasks were started from, one per task: a service's
 * own task definition says what it is being moved to, not what runs (after a failed deployment the
 * service names the new revision while the old tasks go on). Pure.
 */
export function runningStateOf(taskDefinitions: readonly TaskDefinition[]): RunningState {
  const described = taskDefinitions.map((td) => ({ taskDefinition: td }) as unknown as AnyTaskDefinition);
  const collector = agreed(described.map(collectorOf), 'none');
  const driver = agreed(
    described.map((d) => logDriverOf(d)),
    'none',
  );
  return {
    ...(collector ? { finalCollector: collector } : {}),
    ...(driver ? { finalLogDriver: driver } : {}),
  };
}

/** Where the running tasks' lines went during the observation. */
export function logsReceivedBy(lines: {
  readonly loki: number;
  readonly cloudwatch: number;
}): 'loki' | 'cloudwatch' | 'both' | 'none' {
  if (lines.loki > 0 && lines.cloudwatch > 0) return 'both';
  if (lines.loki > 0) return 'loki';
  return lines.cloudwatch > 0 ? 'cloudwatch' : 'none';
}
