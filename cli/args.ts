import { parseArgs } from 'node:util';
import { InputInvalidError } from '../core/errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; required?: boolean }>;

type Values<S extends OptionSpec> = {
  [K in keyof S]: S[K]['type'] extends 'string'
    ? S[K]['required'] extends true
      ? string
      : string | undefined
    : boolean;
};

/**
 * Parses a command's options with node:util parseArgs (strict: unknown options and stray
 * arguments are errors) and checks the required ones; every problem becomes one InputInvalidError
 * that names the command and points at its --help.
 */
export function parseOptions<S extends OptionSpec>(
  command: string,
  args: readonly string[],
  spec: S,
): Values<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.type }]));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new InputInvalidError(
      `${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see: alloy-rollout ${command} --help)`,
      { command },
    );
  }
  const missing = Object.entries(spec)
    .filter(([name, o]) => o.required && (values[name] === undefined || values[name] === ''))
    .map(([name]) => `--${name}`);
  if (missing.length > 0) {
    throw new InputInvalidError(`missing ${missing.join(', ')} (see: alloy-rollout ${command} --help)`, {
      command,
      missing,
    });
  }
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec))
    out[name] = o.type === 'boolean' ? values[name] === true : values[name];
  return out as Values<S>;
}
