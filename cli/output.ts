import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CliIo } from './commands/types';
import { writeFilesInto } from './writable-paths';

/** Where render/revert write by default: ./rendered/<service>/ under the working directory. */
export function outputDir(io: CliIo, out: string | undefined, service: string): string {
  return resolve(io.cwd, out ?? join('rendered', service));
}

/**
 * Writes the files and returns their paths relative to the working directory, for printing. A
 * directory that cannot be written is bad input (exit 2) naming the path, and nothing is written.
 */
export async function writeOutputs(io: CliIo, dir: string, files: Record<string, string>): Promise<string[]> {
  const below = relative(io.cwd, dir);
  const shown = below && !below.startsWith('..') && !isAbsolute(below) ? below : dir;
  const written = await writeFilesInto(dir, files, `--out ${shown}`);
  return written.map((path) => relative(io.cwd, path) || path);
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
}
