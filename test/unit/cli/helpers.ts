import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/cli';
import type { CliCommand, CliIo } from '../../../cli/commands/types';

export const ROOT = join(__dirname, '../../..');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in process with captured output, relative paths resolved against `cwd`. */
export async function runCli(argv: string[], cwd = ROOT, commands?: readonly CliCommand[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await main(argv, io, commands);
  return { code, stdout, stderr };
}

/** A scratch directory removed after each test of the calling file. */
export function scratchDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'alloy-rollout-cli-'));
    made.push(dir);
    return dir;
  };
}
