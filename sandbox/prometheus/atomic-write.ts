import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write-then-rename in the same directory: a watcher (Prometheus' file_sd) never reads a
 * half-written file, and the rename itself is the change event it reacts to.
 */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}
