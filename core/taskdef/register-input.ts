import type { AnyTaskDefinition, DescribedTaskDefinition, TaskDefinitionInput } from './types';
import { clone, isRecord } from './json';

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

export function isDescribed(td: AnyTaskDefinition): td is DescribedTaskDefinition {
  return isRecord((td as { taskDefinition?: unknown }).taskDefinition);
}

/**
 * The RegisterTaskDefinition input for a described (or already register-shaped) definition: the
 * read-only fields go, Describe's top-level tags move in, everything else keeps its order.
 * Always returns a fresh copy, so callers may mutate the result.
 */
export function toRegisterInput(td: AnyTaskDefinition): TaskDefinitionInput {
  if (!isDescribed(td)) return clone(td);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(td.taskDefinition)) {
    if ((READ_ONLY_FIELDS as readonly string[]).includes(key) || value === undefined) continue;
    out[key] = clone(value);
  }
  // Describe returns tags beside the definition (and [] when there are none): only real tags move in.
  if (td.tags && td.tags.length > 0) out.tags = clone(td.tags);
  return out as TaskDefinitionInput;
}

/** The ARN when the definition came from DescribeTaskDefinition. */
export function arnOf(td: AnyTaskDefinition): string | undefined {
  return isDescribed(td) ? td.taskDefinition.taskDefinitionArn : undefined;
}
