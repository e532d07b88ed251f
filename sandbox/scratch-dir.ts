import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';

/** Names of run directories: the owning process id, so a later run can tell leftovers from live ones. */
const RUN_DIR = /^run-(\d+)-/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run directories whose process is gone: a run that was killed (SIGKILL) could not remove its own. */
async function removeLeftovers(workDir: string): Promise<void> {
  for (const name of await readdir(workDir)) {
    const pid = Number(RUN_DIR.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isRunning(pid))
      await rm(path.join(workDir, name), { recursive: true, force: true });
  }
}

/**
 * Runs `use` with a fresh, empty directory under `workDir` for one sandbox run's scratch state
 * (Prometheus' config and TSDB), removed afterwards. A sandbox stands in for one AWS account for
 * the length of one run: series kept from an earlier run would count in this run's metric
 * baselines, and two runs in the same working directory would share one TSDB.
 */
export async function withScratchDir<T>(workDir: string, use: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(workDir, { recursive: true });
  await removeLeftovers(workDir);
  const dir = await mkdtemp(path.join(workDir, `run-${process.pid}-`));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
