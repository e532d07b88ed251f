import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withScratchDir } from '../../../sandbox/scratch-dir';

describe('withScratchDir', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'scratch-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('gives each run a fresh, empty directory under the work dir and removes it afterwards', async () => {
    const seen: string[] = [];
    for (let run = 0; run < 2; run++) {
      await withScratchDir(workDir, async (dir) => {
        expect(readdirSync(dir)).toEqual([]);
        writeFileSync(join(dir, 'data'), 'series of this run');
        seen.push(dir);
      });
    }
    expect(seen[0]?.startsWith(join(workDir, `run-${process.pid}-`))).toBe(true);
    expect(seen[0]).not.toBe(seen[1]);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('removes the directory also when the run fails, and keeps the error', async () => {
    let scratch = '';
    await expect(
      withScratchDir(workDir, async (dir) => {
        scratch = dir;
        throw new Error('sandbox failed');
      }),
    ).rejects.toThrow('sandbox failed');
    expect(existsSync(scratch)).toBe(false);
  });

  it('removes what killed runs left behind, and nothing else', async () => {
    // A process that has exited: its run directory can no longer be in use.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(join(workDir, `run-${gone}-abc123`, 'prometheus'), { recursive: true });
    // The parent of this test process is alive: its directory stays.
    mkdirSync(join(workDir, `run-${process.ppid}-def456`));
    writeFileSync(join(workDir, 'report.json'), '{}');
    await withScratchDir(workDir, async () => undefined);
    expect(readdirSync(workDir).sort()).toEqual(['report.json', `run-${process.ppid}-def456`]);
  });

  it('creates the work dir when it does not exist yet', async () => {
    const nested = join(workDir, '.rehearsal');
    await withScratchDir(nested, async (dir) => expect(existsSync(dir)).toBe(true));
    expect(readdirSync(nested)).toEqual([]);
  });
});
