import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputInvalidError, PlanInvalidError, ServiceNotFoundError } from '../core/errors';
import { formatProblems } from '../core/plan/parse';
import { parsePlanText } from '../core/plan/parse-text';
import { findService, orderedServices, type OrderedService } from '../core/plan/resolve';
import type { Plan } from '../core/plan/schema';
import { readTaskDefinition, type AnyTaskDefinition } from '../core/taskdef';
import type { CliIo } from './commands/types';

/** Reads a text file the user named; a missing or unreadable file is bad input, named. */
export async function readUserFile(io: CliIo, path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, expected a file'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new InputInvalidError(`${path}: ${reason} (the ${what})`, { path });
  }
}

export async function readPlanFile(io: CliIo, path: string): Promise<Plan> {
  const result = parsePlanText(await readUserFile(io, path, 'plan'));
  if (!result.ok)
    throw new PlanInvalidError(formatProblems(path, result.problems), { path, problems: result.problems });
  return result.plan;
}

export function serviceOf(plan: Plan, planPath: string, name: string): OrderedService {
  const found = findService(plan, name);
  if (!found) {
    const known = orderedServices(plan).map((s) => s.name);
    throw new ServiceNotFoundError(
      `${planPath}: no service "${name}" in the plan (services: ${known.join(', ')})`,
      { service: name },
    );
  }
  return found;
}

/** A JSON file holding a task definition (Describe or Register shape). */
export async function readTaskDefinitionFile(io: CliIo, path: string): Promise<AnyTaskDefinition> {
  const text = await readUserFile(io, path, 'task definition');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InputInvalidError(`${path}: not valid JSON: ${(error as Error).message}`, { path });
  }
  return readTaskDefinition(document, path);
}
