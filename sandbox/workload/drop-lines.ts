import type { ReadLine } from './alloy-process';

/** Lines each task's sidecar has read so far, counting from its first (per task, kept by the task). */
const readSoFar = new WeakMap<object, number>();

/**
 * The `drop-lines` fault: the sidecar loses every `every`-th line it reads of one task (line 200,
 * 400, ... for 0.5%), deterministically, so the shadow step sees the same shortfall on every run.
 * Without the fault every line is kept.
 */
export function dropLines(read: readonly ReadLine[], every: number | undefined, task: object): ReadLine[] {
  if (every === undefined) return [...read];
  let n = readSoFar.get(task) ?? 0;
  const kept = read.filter(() => {
    n += 1;
    return n % every !== 0;
  });
  readSoFar.set(task, n);
  return kept;
}
