/**
 * The command shape of `alloy-rollout`. Every command is one module under cli/commands/ that
 * exports `command: CliCommand`, registered by one line in the COMMANDS table of
 * cli/commands/index.ts (validate, render, revert here; sandbox and rehearse follow the same shape).
 *
 * Contract for a command:
 * - `run(args, io)` receives the arguments after the command name and returns the exit code
 *   (EXIT_CODES). It never calls process.exit and never sets process.exitCode: cli/main.ts does.
 * - Output goes through `io.stdout` / `io.stderr` (tests capture them); relative paths resolve
 *   against `io.cwd`; environment comes from `io.env`, read when the command runs.
 * - Bad input (missing or malformed files, wrong shapes, unknown options, a plan that fails
 *   validation, a definition that cannot be migrated) is thrown as one of the named errors listed
 *   in BAD_INPUT_ERRORS (or returned as EXIT_CODES.badInput): the entry prints the message, which
 *   names the file, the field and the reason, and exits 2. Anything else thrown exits 1.
 * - `--help` is handled by the entry (it prints `help`), so `run` never sees it.
 */
import { ERROR_NAMES } from '../../core/errors';

export const EXIT_CODES = {
  ok: 0,
  /** Anything unexpected: a dependency failed, a bug. */
  failure: 1,
  /** The user's input is wrong; the message says which file, field and why. */
  badInput: 2,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Error names that mean "your input is wrong" (exit 2) rather than "something broke" (exit 1). */
export const BAD_INPUT_ERRORS: readonly string[] = [
  ERROR_NAMES.InputInvalid,
  ERROR_NAMES.PlanInvalid,
  ERROR_NAMES.Unmigratable,
  ERROR_NAMES.Unrevertable,
  ERROR_NAMES.ServiceNotFound,
];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliCommand {
  /** The word after `alloy-rollout`. */
  readonly name: string;
  /** One line for the tool's --help. */
  readonly summary: string;
  /** The full text of `alloy-rollout <name> --help`: usage, options, exit codes. */
  readonly help: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
