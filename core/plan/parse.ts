import { parseDocument } from 'yaml';
import type { z } from 'zod';
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

/** Validates an already-decoded plan document and reports every problem at once. */
export function validatePlan(document: unknown): PlanResult {
  const result = planSchema.safeParse(document, { reportInput: true });
  if (result.success) return { ok: true, plan: result.data };
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: describeIssue(issue),
  }));
  return { ok: false, problems };
}

/** Decodes a YAML or JSON plan (JSON is YAML) and validates it. */
export function parsePlanText(text: string): PlanResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: '',
        message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      problems: [{ path: '', message: 'expected a mapping (an object) at the top of the plan' }],
    };
  }
  return validatePlan(value);
}

export function formatProblems(source: string, problems: readonly PlanProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`);
  return `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}

/** For callers that want an exception: throws PlanInvalidError listing every problem. */
export function parsePlanOrThrow(document: unknown, source = 'plan'): Plan {
  const result = typeof document === 'string' ? parsePlanText(document) : validatePlan(document);
  if (result.ok) return result.plan;
  throw new PlanInvalidError(formatProblems(source, result.problems), { problems: result.problems });
}
