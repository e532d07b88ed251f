import { parseDocument } from 'yaml';
import type { Plan } from './schema';
import { planOrThrow, validatePlan, type PlanProblem, type PlanResult } from './parse';

/**
 * How many alias expansions (`*name`) one plan may make, counting nested ones: the yaml package's
 * own default, named here because it is what stops an alias bomb (a few lines whose aliases
 * expand to billions of nodes). A hand-written plan needs a handful.
 */
export const MAX_ALIAS_COUNT = 100;

export type DecodedPlanText =
  | { readonly ok: true; readonly document: Record<string, unknown> }
  | { readonly ok: false; readonly problems: readonly PlanProblem[] };

function documentProblem(message: string): DecodedPlanText {
  return { ok: false, problems: [{ path: '', message }] };
}

/** The yaml package reports alias trouble only as a thrown ReferenceError: say it in the plan's terms. */
function aliasProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/excessive alias count/i.test(message))
    return `too many aliases: its anchors and aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies, as in an alias bomb; expected a plan that spells its values out or reuses each anchor a few times`;
  return `not valid YAML/JSON: ${message}`;
}

/**
 * Decodes YAML or JSON plan text (JSON is YAML) into the plan document, without validating it:
 * syntax errors, duplicate keys, aliases gone wild and a top level that is not a mapping are
 * problems of the document itself (path "").
 */
export function decodePlanText(text: string): DecodedPlanText {
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
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return documentProblem(aliasProblem(error));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return documentProblem('expected a mapping (an object) at the top of the plan');
  return { ok: true, document: value as Record<string, unknown> };
}

/**
 * Decodes a YAML or JSON plan and validates it: plan text as the CLI, the Action and infra read
 * it from a file. Apart from `./parse` so that only they carry the YAML parser; the Lambdas
 * receive the plan already decoded.
 */
export function parsePlanText(text: string): PlanResult {
  const decoded = decodePlanText(text);
  return decoded.ok ? validatePlan(decoded.document) : decoded;
}

/** For callers with plan text that want an exception: throws PlanInvalidError listing every problem. */
export function parsePlanTextOrThrow(text: string, source = 'plan'): Plan {
  return planOrThrow(parsePlanText(text), source);
}
