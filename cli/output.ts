import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { CliIo } from './commands/types';

/** Where render/revert write by default: ./rendered/<service>/ under the working directory. */
export function outputDir(io: CliIo, out: string | undefined, service: string): string {
  return resolve(io.cwd, out ?? join('rendered', service));
}

/** Writes the files and returns their paths relative to the working directory, for printing. */
export async function writeOutputs(io: CliIo, dir: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, content, 'utf8');
    written.push(relative(io.cwd, path) || path);
  }
  return written;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
}
