import type * as z from 'zod';
import { planSchema, type Plan } from './schema';
import { PlanInvalidError } from '../errors';

export interface PlanProblem {
  /** Field path such as "phases[1].services[0].metricsPort", or "" for the document itself. */
  readonly path: string;
  readonly message: string;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly problems: readonly PlanProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  const message = issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `missing; ${message}`;
    return `${message}, got ${describeValue(issue.input)}`;
  }
  return message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Validates an already-decoded plan document and reports every problem at once. YAML/JSON text
 * is decoded by `parsePlanText` in `./parse-text`, kept apart so that code handed a decoded plan
 * (the Lambdas) does not carry the YAML parser.
 */
export function validatePlan(document: unknown): PlanResult {
  if (typeof document === 'string')
    return {
      ok: false,
      problems: [
        {
          path: '',
          message:
            'expected the decoded plan (a mapping), got text; decode YAML/JSON text with parsePlanText',
        },
      ],
    };
  const result = planSchema.safeParse(document, { reportInput: true });
  if (result.success) return { ok: true, plan: result.data };
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: describeIssue(issue),
  }));
  return { ok: false, problems };
}

export function formatProblems(source: string, problems: readonly PlanProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`);
  return `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}

/** The result as a plan, or PlanInvalidError listing every problem. */
export function planOrThrow(result: PlanResult, source: string): Plan {
  if (result.ok) return result.plan;
  throw new PlanInvalidError(formatProblems(source, result.problems), { problems: result.problems });
}

/** For callers with a decoded plan that want an exception: throws PlanInvalidError listing every problem. */
export function parsePlanOrThrow(document: unknown, source = 'plan'): Plan {
  return planOrThrow(validatePlan(document), source);
}
