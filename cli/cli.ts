import { RolloutError } from '../core/errors';
import { COMMANDS } from './commands';
import { BAD_INPUT_ERRORS, EXIT_CODES, type CliCommand, type CliIo } from './commands/types';

function toolHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: alloy-rollout <command> [options]

Moves ECS services from ADOT + CloudWatch to Grafana Alloy + Loki, one verified step at a time.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "alloy-rollout <command> --help" for a command's options.
Exit codes: 0 success, 2 bad input (the message names the file, field and reason), 1 anything else.
`;
}

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}

/**
 * Runs one command line and returns the exit code; never throws, never exits. Bad input (the
 * named errors of BAD_INPUT_ERRORS) exits 2 with its message; anything else exits 1.
 */
export async function main(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(toolHelp(commands));
    return EXIT_CODES.badInput;
  }
  if (isHelp(name) || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic ? `${topic.help}\n` : toolHelp(commands));
    return EXIT_CODES.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(
      `alloy-rollout: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')}; see alloy-rollout --help)\n`,
    );
    return EXIT_CODES.badInput;
  }
  if (rest.some(isHelp)) {
    io.stdout(`${command.help}\n`);
    return EXIT_CODES.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof RolloutError && BAD_INPUT_ERRORS.includes(error.name)) {
      io.stderr(`alloy-rollout ${command.name}: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr(`alloy-rollout ${command.name}: unexpected failure: ${message}\n`);
    if (io.env.ALLOY_ROLLOUT_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_CODES.failure;
  }
}
