import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInputs, type InputSource } from '../../action/src/inputs';
import type { ActionInputs } from '../../action/src/types';
import { STATE_MACHINE_ARN } from './fake-sfn';

export const REPO_ROOT = join(__dirname, '..', '..');
export const EXAMPLE_PLAN = readFileSync(join(REPO_ROOT, 'examples', 'plan.yaml'), 'utf8');

export const GITHUB_ENV = {
  GITHUB_REPOSITORY: 'acme/platform',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
};

/** An input source over plain objects: the plan file lives in `files` under /repo. */
export function source(
  inputs: Record<string, string>,
  options: { env?: Record<string, string | undefined>; files?: Record<string, string> } = {},
): InputSource {
  const files = options.files ?? { '/repo/rollout.yaml': EXAMPLE_PLAN };
  return {
    getInput: (name) => inputs[name] ?? '',
    env: { GITHUB_WORKSPACE: '/repo', ...GITHUB_ENV, ...options.env },
    cwd: '/elsewhere',
    readFile: (path) => {
      const text = files[path];
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: 'ENOENT',
        });
      return text;
    },
  };
}

export function inputsFor(
  inputs: Record<string, string> = {},
  env: Record<string, string | undefined> = {},
): ActionInputs {
  return parseInputs(source({ mode: 'migrate', 'state-machine-arn': STATE_MACHINE_ARN, ...inputs }, { env }));
}
