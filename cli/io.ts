import type { CliIo } from './commands/types';

/** The real process streams, for the entry point only (tests pass their own CliIo). */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}
