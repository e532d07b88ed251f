import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputInvalidError } from '../../../core/errors';
import { checkWritable, pathFaultOf, writeFilesInto } from '../../../cli/writable-paths';
import { scratchDirs } from './helpers';

const scratch = scratchDirs();
const FILES = { 'task-definition.json': '{}\n', 'config.alloy': 'logging {}\n' };

describe('writeFilesInto', () => {
  it('creates the missing directories, one level at a time, and writes every file', async () => {
    const dir = join(scratch(), 'rendered', 'history');
    expect(await writeFilesInto(dir, FILES, `--out ${dir}`)).toEqual([
      join(dir, 'task-definition.json'),
      join(dir, 'config.alloy'),
    ]);
    expect(readFileSync(join(dir, 'config.alloy'), 'utf8')).toBe('logging {}\n');
  });

  it.each([
    ['a parent that is a file', (root: string) => join(root, 'file', 'sub'), /file is not a directory/],
    ['an output path that is a file', (root: string) => join(root, 'file'), /file is not a directory/],
    ['a character device on the way', () => '/dev/null/x', /\/dev\/null is not a directory/],
    [
      'a symbolic link to nothing',
      (root: string) => join(root, 'dangling', 'sub'),
      /dangling is a symbolic link to nothing/,
    ],
  ])('refuses %s as bad input naming the path, and creates nothing', async (_, outOf, reason) => {
    const root = scratch();
    writeFileSync(join(root, 'file'), 'kept');
    symlinkSync(join(root, 'no-such-target'), join(root, 'dangling'));
    const out = outOf(root);
    const refused = writeFilesInto(out, FILES, `--out ${out}`);
    await expect(refused).rejects.toThrow(InputInvalidError);
    await expect(refused).rejects.toThrow(`--out ${out}: cannot write there: `);
    await expect(refused).rejects.toThrow(reason);
    expect(readdirSync(root).sort()).toEqual(['dangling', 'file']);
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('kept');
  });

  it('refuses a file name taken by a directory before writing any file', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'config.alloy'));
    await expect(writeFilesInto(dir, FILES, `--out ${dir}`)).rejects.toThrow(
      `--out ${dir}: cannot write there: ${join(dir, 'config.alloy')} is a directory, not a file`,
    );
    expect(existsSync(join(dir, 'task-definition.json'))).toBe(false);
  });

  it('answers where a recursive mkdir would never return (/proc), and leaves nothing behind', async () => {
    const out = '/proc/alloy-rollout-no-such/out';
    await expect(writeFilesInto(out, FILES, `--out ${out}`)).rejects.toThrow(
      `--out ${out}: cannot write there: `,
    );
    expect(existsSync('/proc/alloy-rollout-no-such')).toBe(false);
  });
});

describe('checkWritable', () => {
  it('changes nothing and lists the directories still to create, outermost first', async () => {
    const root = scratch();
    expect(await checkWritable(join(root, 'a', 'b'), ['report.json'], '--report a/b/report.json')).toEqual([
      join(root, 'a'),
      join(root, 'a', 'b'),
    ]);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('pathFaultOf', () => {
  const errno = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    ['ENOENT', 'no such file or directory'],
    ['ENOTDIR', 'not a directory'],
    ['EISDIR', 'is a directory'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['EROFS', 'read-only file system'],
  ])("%s is the path's fault: %s", (code, words) => {
    expect(pathFaultOf(errno(code))).toBe(words);
  });

  it("a full disk or an I/O error is not the path's fault", () => {
    expect(pathFaultOf(errno('ENOSPC'))).toBeUndefined();
    expect(pathFaultOf(errno('EIO'))).toBeUndefined();
    expect(pathFaultOf(new Error('no code'))).toBeUndefined();
  });
});
