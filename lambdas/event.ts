import * as z from 'zod';
import { InputInvalidError } from '../core/errors';
import { formatPath } from '../core/plan/parse';

/**
 * Every Task state passes `{ action, executionArn: $$.Execution.Id, state: $ }`: the handler
 * names the action it was asked for, and reads the pieces of the state document it needs.
 */
export function taskEventSchema<A extends readonly [string, ...string[]], S extends z.ZodType>(
  actions: A,
  state: S,
) {
  return z.object({
    action: z.enum(actions),
    executionArn: z.string().min(1),
    state,
  });
}

/** Parses an event; a bad one fails with InputInvalidError naming each wrong field. */
export function parseEvent<T extends z.ZodType>(schema: T, event: unknown, handlerName: string): z.output<T> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`);
  throw new InputInvalidError(`${handlerName}: bad event: ${problems.join('; ')}`, { problems });
}
