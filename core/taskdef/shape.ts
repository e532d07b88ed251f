import { InputInvalidError } from '../errors';
import type { AnyTaskDefinition } from './types';
import { isRecord } from './json';

function problemsOfBody(body: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (typeof body.family !== 'string' || body.family === '')
    problems.push(`${at}family: expected a non-empty string`);
  const containers = body.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) {
    problems.push(`${at}containerDefinitions: expected a non-empty list of container definitions`);
    return problems;
  }
  const seen = new Set<string>();
  containers.forEach((c: unknown, i) => {
    const where = `${at}containerDefinitions[${i}]`;
    if (!isRecord(c)) return problems.push(`${where}: expected a mapping (a container definition)`);
    if (typeof c.name !== 'string' || c.name === '')
      return problems.push(`${where}.name: expected a non-empty string`);
    if (seen.has(c.name)) problems.push(`${where}.name: container "${c.name}" is listed twice`);
    seen.add(c.name);
    for (const key of [
      'dependsOn',
      'links',
      'environment',
      'secrets',
      'mountPoints',
      'portMappings',
    ] as const) {
      if (c[key] !== undefined && !Array.isArray(c[key])) problems.push(`${where}.${key}: expected a list`);
    }
    if (
      c.logConfiguration !== undefined &&
      !(isRecord(c.logConfiguration) && typeof c.logConfiguration.logDriver === 'string')
    )
      problems.push(`${where}.logConfiguration: expected a mapping with a "logDriver" string`);
    return undefined;
  });
  for (const key of ['volumes', 'tags', 'requiresCompatibilities'] as const) {
    if (body[key] !== undefined && !Array.isArray(body[key])) problems.push(`${at}${key}: expected a list`);
  }
  for (const key of ['cpu', 'memory', 'networkMode'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string')
      problems.push(`${at}${key}: expected a string`);
  }
  return problems;
}

/**
 * Checks that a decoded JSON document is a task definition the transform can read: either the
 * DescribeTaskDefinition response (`{ taskDefinition: {...}, tags? }`) or a RegisterTaskDefinition
 * input. Returns the document itself (not a copy, so nothing is reordered); throws
 * InputInvalidError naming every wrong field.
 */
export function readTaskDefinition(document: unknown, source: string): AnyTaskDefinition {
  if (!isRecord(document)) {
    throw new InputInvalidError(
      `${source}: expected a task definition (a JSON object), got ${Array.isArray(document) ? 'a list' : typeof document}`,
      { source },
    );
  }
  const described = isRecord(document.taskDefinition);
  const problems = described
    ? problemsOfBody(document.taskDefinition as Record<string, unknown>, 'taskDefinition.')
    : problemsOfBody(document, '');
  if (described && document.tags !== undefined && !Array.isArray(document.tags))
    problems.push('tags: expected a list');
  if (problems.length > 0) {
    throw new InputInvalidError(
      `${source}: not a usable task definition (expected the DescribeTaskDefinition or RegisterTaskDefinition JSON shape)\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { source, problems },
    );
  }
  return document as unknown as AnyTaskDefinition;
}
