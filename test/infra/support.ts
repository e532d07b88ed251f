import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_LAMBDAS, LAMBDAS } from '../../lambdas/catalog';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const REAL_HANDLERS_DIR = path.join(REPO_ROOT, 'lambdas', 'handlers');

export interface HandlersDir {
  readonly dir: string;
  /** True when the repository's own handlers are bundled. */
  readonly real: boolean;
  readonly cleanup: () => void;
}

/**
 * The repository's handlers when every catalog entry has one; otherwise one-line stubs in a fresh
 * directory under the repository's git-ignored tmp/ (esbuild only bundles entries under the
 * project root), removed by `cleanup`.
 */
export function handlersForSynth(): HandlersDir {
  const allReal = [...LAMBDAS, ...EVENT_LAMBDAS].every((spec) =>
    fs.existsSync(path.join(REAL_HANDLERS_DIR, `${spec.file}.ts`)),
  );
  if (allReal) return { dir: REAL_HANDLERS_DIR, real: true, cleanup: () => undefined };
  return stubHandlersForSynth();
}

/**
 * One-line stub handlers for every catalog entry, for tests that read only what synthesis makes of
 * the catalog (roles, policies): bundling them takes a fraction of the real handlers' time.
 */
export function stubHandlersForSynth(): HandlersDir {
  fs.mkdirSync(path.join(REPO_ROOT, 'tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'tmp', 'infra-handlers-'));
  for (const spec of [...LAMBDAS, ...EVENT_LAMBDAS])
    fs.writeFileSync(
      path.join(dir, `${spec.file}.ts`),
      'export const handler = async (): Promise<unknown> => ({});\n',
    );
  return { dir, real: false, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh cloud assembly directory under tmp/, removed by the returned function. */
export function tempOutdir(): { dir: string; cleanup: () => void } {
  fs.mkdirSync(path.join(REPO_ROOT, 'tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'tmp', 'infra-cdkout-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Resources as text: tokens rendered the way cdk-nag and people read them (`<Ref>`, `<Id.Arn>`). */
export function resourceTexts(statement: Statement, flatten: (value: unknown) => string): string[] {
  return asList(statement.Resource as unknown).map(flatten);
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** Every policy statement in the template (inline role policies and managed policies), with where it lives. */
export function allStatements(template: {
  Resources: Record<string, Resource>;
}): Array<{ logicalId: string; statement: Statement }> {
  const out: Array<{ logicalId: string; statement: Statement }> = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const doc = resource.Properties?.PolicyDocument as { Statement: Statement[] } | undefined;
    for (const statement of doc?.Statement ?? []) out.push({ logicalId, statement });
  }
  return out;
}
