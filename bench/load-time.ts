import { spawnSync } from 'node:child_process';
import { median, round } from './stats';

const MARKER = 'BENCH_LOAD_NS=';

/**
 * Loads `file` with `require` in a fresh Node process and returns how long `require` took, in ms.
 * The process gets an almost empty environment, so a bundle that runs on load (the Action) sees no
 * runner variables and writes nothing outside its stdout.
 */
export function loadOnce(nodeBinary: string, file: string): { requireMs: number; processMs: number } {
  const script = `const t0 = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write('\\n${MARKER}' + (process.hrtime.bigint() - t0) + '\\n');`;
  const started = process.hrtime.bigint();
  const child = spawnSync(nodeBinary, ['-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    timeout: 60_000,
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  const m = new RegExp(`${MARKER}(\\d+)`).exec(child.stdout ?? '');
  if (!m) {
    const why = child.error ? child.error.message : (child.stderr || child.stdout || '').slice(-2000);
    throw new Error(`loading ${file} in a fresh process did not complete: ${why}`);
  }
  return { requireMs: Number(m[1]) / 1e6, processMs };
}

export interface LoadTiming {
  readonly runs: number;
  readonly requireMedianMs: number;
  readonly processMedianMs: number;
}

export function medianLoad(nodeBinary: string, file: string, runs: number): LoadTiming {
  const samples = Array.from({ length: runs }, () => loadOnce(nodeBinary, file));
  return {
    runs,
    requireMedianMs: round(median(samples.map((s) => s.requireMs))),
    processMedianMs: round(median(samples.map((s) => s.processMs))),
  };
}

/** A fresh process that loads nothing: what every figure above includes before `require` starts. */
export function emptyProcessMedianMs(nodeBinary: string, runs: number): number {
  const samples = Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    const child = spawnSync(nodeBinary, ['-e', ''], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
    });
    if (child.status !== 0)
      throw new Error(`${nodeBinary} -e '' failed: ${child.error?.message ?? child.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  return round(median(samples));
}
