import { constants, type Stats } from 'node:fs';
import { access, lstat, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputInvalidError } from '../core/errors';

/** Errno codes that mean "the path the user gave cannot be written", in words. */
const PATH_FAULTS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many levels of symbolic links',
};

/** Why a file-system error is the path's fault, in words; undefined when it is not (disk full, I/O). */
export function pathFaultOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : PATH_FAULTS[code];
}

/** `what` names the path as the user gave it, e.g. "--out /dev/null/x". */
function unwritable(what: string, why: string): InputInvalidError {
  return new InputInvalidError(
    `${what}: cannot write there: ${why} (expected a directory that exists or can be created, with files that can be written)`,
    { path: what },
  );
}

/** The path's stats, or null when nothing is there; a symbolic link to nothing is refused. */
async function statOrNull(path: string, what: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is not a directory; the walk up finds it and names it.
    if (code === 'ENOTDIR') return null;
    if (code !== 'ENOENT') throw unwritable(what, `${path}: ${pathFaultOf(error) ?? code}`);
  }
  const link = await lstat(path).catch(() => null);
  if (link?.isSymbolicLink()) throw unwritable(what, `${path} is a symbolic link to nothing`);
  return null;
}

async function writableOrThrow(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    throw unwritable(what, `${path}: ${pathFaultOf(error) ?? String(error)}`);
  }
}

/**
 * Checks, without changing anything, that `dir` exists or can be created and that `names` can be
 * written in it. Returns the directories to create, outermost first.
 */
export async function checkWritable(dir: string, names: readonly string[], what: string): Promise<string[]> {
  const missing: string[] = [];
  let existing = dir;
  let found = await statOrNull(existing, what);
  while (!found && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    found = await statOrNull(existing, what);
  }
  if (!found?.isDirectory()) throw unwritable(what, `${existing} is not a directory`);
  await writableOrThrow(existing, what);
  if (missing.length > 0) return missing;
  for (const name of names) {
    const file = join(dir, name);
    const there = await statOrNull(file, what);
    if (there?.isDirectory()) throw unwritable(what, `${file} is a directory, not a file`);
    if (there) await writableOrThrow(file, what);
  }
  return missing;
}

/**
 * Writes `files` into `dir` (created if needed). A path that cannot be written is refused before
 * anything is written, as bad input naming it. Returns the paths written.
 */
export async function writeFilesInto(
  dir: string,
  files: Readonly<Record<string, string>>,
  what: string,
): Promise<string[]> {
  const missing = await checkWritable(dir, Object.keys(files), what);
  const written: string[] = [];
  try {
    // One level at a time: a recursive mkdir never returns where the kernel answers ENOENT for a
    // directory that exists (/proc), and this way each failure names its own level.
    for (const level of missing) await mkdir(level);
    for (const [name, content] of Object.entries(files)) {
      const path = join(dir, name);
      await writeFile(path, content, 'utf8');
      written.push(path);
    }
  } catch (error) {
    // What the checks could not foresee (a race, a file system that refuses even root): undo the
    // directories made here and say why, naming the path.
    if (missing[0] !== undefined) await rm(missing[0], { recursive: true, force: true });
    const why = pathFaultOf(error);
    if (why === undefined) throw error;
    throw unwritable(what, `${(error as NodeJS.ErrnoException).path ?? dir}: ${why}`);
  }
  return written;
}
