import type { AnyTaskDefinition, TaskDefinitionInput } from './types';
import { toRegisterInput } from './register-input';
import { REFUSAL_REASONS as R, unmigratable, type Refusal } from './refusal';

/** Where one main container's lines land in CloudWatch while the shadow revision runs. */
export interface ShadowStream {
  readonly container: string;
  readonly logGroup: string;
  /**
   * awslogs names each stream `<prefix>/<container name>/<ECS task id>` when
   * `awslogs-stream-prefix` is set (without it the stream is named after the docker container id,
   * which no ECS API maps back to a task). Source: Amazon ECS developer guide, "Using the awslogs
   * log driver", option awslogs-stream-prefix.
   */
  readonly streamPrefix: string;
}

export interface ShadowResult {
  /** The migrated definition with the main containers' baseline logConfiguration put back. */
  readonly taskDefinition: TaskDefinitionInput;
  readonly streams: ShadowStream[];
}

/**
 * The shadow revision: the migrated definition (same Alloy sidecar, same config) whose main
 * containers keep the baseline's awslogs configuration. Docker (>= 20.10) keeps a local copy of
 * every line of a container whose driver cannot be read back (awslogs, splunk...), the
 * "dual logging" cache, and serves it through the logs API that Alloy's docker source reads; so
 * the same lines reach CloudWatch and Loki and can be counted on both sides
 * (https://docs.docker.com/engine/logging/dual-logging/). Only the main containers' logging
 * differs from the migrated revision, and revert() restores logging only where migrate switched
 * it to json-file, so reverting the shadow revision gives back the baseline byte for byte.
 *
 * Pure. Throws UnmigratableError (reason shadow-stream) when a main container's CloudWatch
 * stream per task cannot be named, since its completeness could then not be measured.
 */
export function shadowTaskDefinition(
  baselineIn: AnyTaskDefinition,
  migrated: TaskDefinitionInput,
  mainContainers: readonly string[],
  serviceName: string,
  /**
   * The log group the orchestrator may read for a container (the plan's rollback.logGroupPattern:
   * the Lambdas are granted FilterLogEvents there only); a container writing elsewhere is refused.
   */
  readableLogGroup?: (container: string) => string,
): ShadowResult {
  const baseline = toRegisterInput(baselineIn);
  const byName = new Map(baseline.containerDefinitions.map((c) => [c.name, c]));
  const main = new Set(mainContainers);
  const refusals: Refusal[] = [];
  const streams: ShadowStream[] = [];
  const containerDefinitions = migrated.containerDefinitions.map((c) => {
    const base = byName.get(c.name);
    if (!main.has(c.name) || !base) return c;
    const logging = base.logConfiguration;
    if (logging?.logDriver !== 'awslogs') {
      refusals.push({
        reason: R.shadowStream,
        message: `main container "${c.name}" logs with ${logging ? `"${logging.logDriver}"` : 'the host default driver'}, not awslogs: the shadow step compares CloudWatch's awslogs streams with Loki`,
      });
      return c;
    }
    const group = logging.options?.['awslogs-group'];
    const prefix = logging.options?.['awslogs-stream-prefix'];
    if (!group || !prefix)
      refusals.push({
        reason: R.shadowStream,
        message: `main container "${c.name}" has no ${group ? 'awslogs-stream-prefix' : 'awslogs-group'}: its CloudWatch stream cannot be matched to an ECS task (expected streams named <prefix>/<container>/<task id>)`,
      });
    else if (readableLogGroup && readableLogGroup(c.name) !== group)
      refusals.push({
        reason: R.shadowStream,
        message: `main container "${c.name}" logs to "${group}", not "${readableLogGroup(c.name)}" (the plan's rollback.logGroupPattern), the only groups the orchestrator may read: set logGroupPattern to match`,
      });
    else streams.push({ container: c.name, logGroup: group, streamPrefix: prefix });
    const out = { ...c, logConfiguration: logging };
    return out;
  });
  if (refusals.length > 0) throw unmigratable(migrated.family, serviceName, refusals);
  return { taskDefinition: { ...migrated, containerDefinitions }, streams };
}

/** The CloudWatch stream of one task's container (see ShadowStream.streamPrefix). */
export function shadowStreamName(stream: ShadowStream, taskId: string): string {
  return `${stream.streamPrefix}/${stream.container}/${taskId}`;
}
