import type { AnyTaskDefinition } from './types';
import { bodyOf, isOurSidecar } from './detect';
import { RECORD_LABELS } from './names';

/**
 * The containers of a migrated task definition whose logs Alloy collects, which the logs check
 * requires lines from in every new task (`$.register.logContainers`): the main containers the
 * migration recorded on the sidecar (RECORD_LABELS.mainContainers), kept only when they log with
 * json-file or with no logConfiguration (the host's default driver, json-file on the ECS AMIs).
 * A main container left on another driver (awsfirelens, splunk...) is not read by Alloy, and the
 * migration already warned about it: requiring its lines in Loki would fail the service for a
 * stream it never claimed to move.
 *
 * Undefined when the definition carries no record (an Alloy sidecar added by other means): the
 * logs check then counts lines per task, any container.
 */
export function logContainersOf(td: AnyTaskDefinition): string[] | undefined {
  const containers = bodyOf(td).containerDefinitions;
  const recorded = containers.find(isOurSidecar)?.dockerLabels?.[RECORD_LABELS.mainContainers];
  if (recorded === undefined) return undefined;
  const main = new Set(
    recorded
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  );
  const read = containers
    .filter((c) => main.has(c.name))
    .filter((c) => c.logConfiguration === undefined || c.logConfiguration.logDriver === 'json-file')
    .map((c) => c.name);
  return read.length > 0 ? read : undefined;
}
