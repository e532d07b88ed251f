import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseInputs } from './inputs';
import { runRollout } from './run-rollout';
import type { ActionIO } from './types';

/** The rollout's host interface over the runner's workflow commands. */
export function actionsIO(): ActionIO {
  return {
    info: (message) => core.info(message),
    warning: (message, annotation) =>
      core.warning(message, annotation?.title ? { title: annotation.title } : {}),
    error: (message, annotation) => core.error(message, annotation?.title ? { title: annotation.title } : {}),
    startGroup: (name) => core.startGroup(name),
    endGroup: () => core.endGroup(),
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** The Action's entry: the one place that decides whether the job fails. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs({
      getInput: (name) => core.getInput(name),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      cwd: process.cwd(),
    });
    const sfn = new SFNClient({ region: inputs.region });
    const result = await runRollout(inputs, { sfn, io: actionsIO() });
    // runRollout has already written the annotation naming the service, check and cause.
    if (result.failure) process.exitCode = core.ExitCode.Failure;
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
