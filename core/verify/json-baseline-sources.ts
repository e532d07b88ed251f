import type { AnyTaskDefinition } from '../taskdef/types';
import { bodyOf } from '../taskdef/detect';

/** Where one main container's lines are in CloudWatch under the current (awslogs) definition. */
export interface CloudWatchLogSource {
  readonly container: string;
  readonly logGroupName: string;
  /**
   * `<awslogs-stream-prefix>/<container>/`: awslogs names a container's streams
   * `prefix/container-name/ecs-task-id`, so the prefix keeps a helper sharing the group out.
   * Absent when the container sets no stream prefix: its streams are then named by the Docker
   * container id, and the whole group is read.
   */
  readonly logStreamNamePrefix?: string;
}

/**
 * The CloudWatch sources of the main containers that log with awslogs in the definition the
 * service runs before the switch, and the main containers that do not (which have no CloudWatch
 * baseline to read). Stream naming from the ECS developer guide, "Using the awslogs log driver"
 * (awslogs-stream-prefix).
 */
export function jsonBaselineSources(
  td: AnyTaskDefinition,
  mainContainers: readonly string[],
): { sources: CloudWatchLogSource[]; notOnAwslogs: string[] } {
  const sources: CloudWatchLogSource[] = [];
  const notOnAwslogs: string[] = [];
  for (const c of bodyOf(td).containerDefinitions) {
    if (!mainContainers.includes(c.name)) continue;
    const log = c.logConfiguration;
    const group = log?.options?.['awslogs-group'];
    if (log?.logDriver !== 'awslogs' || !group) {
      notOnAwslogs.push(c.name);
      continue;
    }
    const prefix = log.options?.['awslogs-stream-prefix'];
    sources.push({
      container: c.name,
      logGroupName: group,
      ...(prefix ? { logStreamNamePrefix: `${prefix}/${c.name}/` } : {}),
    });
  }
  return { sources, notOnAwslogs };
}
