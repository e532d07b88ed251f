import { LOCK_TABLE } from '../../lambdas/catalog';
import type { Sandbox } from '../sandbox';

/**
 * What a read-only run must leave as it found it, read from the twins: every task definition
 * (ACTIVE and INACTIVE), the revision each service runs and its desired count, every SSM parameter
 * with its version, and the lock table's items.
 */
export interface StateDigest {
  readonly taskDefinitions: readonly string[];
  readonly services: Readonly<Record<string, string>>;
  readonly ssm: Readonly<Record<string, number>>;
  readonly lockItems: readonly string[];
}

export function stateDigest(sandbox: Sandbox): StateDigest {
  const { ecs } = sandbox;
  return {
    taskDefinitions: [
      ...ecs.taskDefinitions.list(undefined, 'ACTIVE'),
      ...ecs.taskDefinitions.list(undefined, 'INACTIVE'),
    ].sort(),
    services: Object.fromEntries(
      ecs.allServices().map((s) => [s.serviceName, `${s.taskDefinitionArn} x${s.desiredCount}`]),
    ),
    ssm: Object.fromEntries(sandbox.ssm.list().map((p) => [p.name, p.version])),
    lockItems: sandbox.dynamodb
      .items(sandbox.lockTableName)
      .map((i) => JSON.stringify(i[LOCK_TABLE.partitionKey] ?? i))
      .sort(),
  };
}

/** What changed from `before` to `after`, one sentence each (empty: nothing). */
export function digestChanges(before: StateDigest, after: StateDigest): string[] {
  const changes: string[] = [];
  const added = after.taskDefinitions.filter((t) => !before.taskDefinitions.includes(t));
  if (added.length > 0) changes.push(`task definitions registered: ${added.join(', ')}`);
  if (after.taskDefinitions.length < before.taskDefinitions.length) changes.push('task definitions removed');
  for (const [name, now] of Object.entries(after.services))
    if (before.services[name] !== now)
      changes.push(`service ${name}: ${before.services[name] ?? 'absent'} -> ${now}`);
  for (const [name, version] of Object.entries(after.ssm))
    if (before.ssm[name] !== version) changes.push(`SSM parameter ${name} written (version ${version})`);
  const lock = after.lockItems.filter((i) => !before.lockItems.includes(i));
  if (lock.length > 0) changes.push(`lock items written: ${lock.join(', ')}`);
  return changes;
}
