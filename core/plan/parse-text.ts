import { parseDocument } from 'yaml';
import type { Plan } from './schema';
import { planOrThrow, validatePlan, type PlanResult } from './parse';

/**
 * Decodes a YAML or JSON plan (JSON is YAML) and validates it: plan text as the CLI, the Action
 * and infra read it from a file. Apart from `./parse` so that only they carry the YAML parser;
 * the Lambdas receive the plan already decoded.
 */
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

/** For callers with plan text that want an exception: throws PlanInvalidError listing every problem. */
export function parsePlanTextOrThrow(text: string, source = 'plan'): Plan {
  return planOrThrow(parsePlanText(text), source);
}
