import type { TaskDefinitionInput } from './types';
import { isRecord } from './json';

/** Lists whose items are shown by their identifying field rather than by index. */
const KEYED_LISTS: Record<string, string> = {
  containerDefinitions: 'name',
  volumes: 'name',
  tags: 'key',
  environment: 'name',
  secrets: 'name',
  dependsOn: 'containerName',
};

type Leaf = readonly [path: string, value: string];

function keyOf(list: string, item: unknown, index: number): string {
  const field = KEYED_LISTS[list];
  const id = field && isRecord(item) ? item[field] : undefined;
  return typeof id === 'string' ? `[${id}]` : `[${index}]`;
}

function flatten(value: unknown, path: string, lastKey: string, out: Leaf[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push([path, '[]']);
    value.forEach((item, i) => flatten(item, `${path}${keyOf(lastKey, item, i)}`, '', out));
  } else if (isRecord(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 0) out.push([path, '{}']);
    for (const key of keys) flatten(value[key], path ? `${path}.${key}` : key, key, out);
  } else {
    out.push([path, JSON.stringify(value)]);
  }
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

type Entry = { path: string; before?: string; after?: string };

/** Internal keys: a path repeated in one document (duplicate names) gets an occurrence suffix. */
function uniqueKeys(leaves: readonly Leaf[]): string[] {
  const seen = new Map<string, number>();
  return leaves.map(([path]) => {
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    return n === 1 ? path : `${path}#${n}`;
  });
}

/** Indexes (into `values`) of a longest strictly increasing subsequence, O(n log n). */
function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length).fill(-1);
  values.forEach((value, k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((values[tails[mid] as number] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[k] = tails[lo - 1] as number;
    tails[lo] = k;
  });
  const out: number[] = [];
  for (let k = tails.at(-1) ?? -1; k >= 0; k = previous[k] as number) out.push(k);
  return out.reverse();
}

/**
 * Lines of both documents in one order. Paths are (nearly) unique, so the longest common
 * subsequence is the longest increasing run of matched positions; between two anchors, removed
 * and added lines are interleaved so each stays next to the lines of its own container.
 * A path present in both but moved is compared where it now stands.
 */
function merge(before: readonly Leaf[], after: readonly Leaf[]): Entry[] {
  const keysBefore = uniqueKeys(before);
  const keysAfter = uniqueKeys(after);
  const positionBefore = new Map(keysBefore.map((key, i) => [key, i]));
  const matched = keysAfter.flatMap((key, j) => {
    const i = positionBefore.get(key);
    return i === undefined ? [] : [{ i, j }];
  });
  const anchors = longestIncreasing(matched.map((m) => m.i)).map(
    (k) => matched[k] as { i: number; j: number },
  );
  const inAfter = new Set(keysAfter);
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  for (const anchor of [...anchors, { i: before.length, j: after.length }]) {
    const removed = before.slice(i, anchor.i).filter((_, k) => !inAfter.has(keysBefore[i + k] as string));
    const added = after.slice(j, anchor.j).map(([path, value], k): Entry => {
      const was = positionBefore.get(keysAfter[j + k] as string);
      return was === undefined
        ? { path, after: value }
        : { path, before: before[was]?.[1] as string, after: value };
    });
    while (removed.length > 0 || added.length > 0) {
      const previous = out.at(-1)?.path ?? '';
      const r = removed[0];
      const a = added[0];
      if (r && (!a || sharedPrefix(r[0], previous) >= sharedPrefix(a.path, previous))) {
        out.push({ path: r[0], before: r[1] });
        removed.shift();
      } else if (a) {
        out.push(a);
        added.shift();
      }
    }
    const b = before[anchor.i];
    const a = after[anchor.j];
    if (b && a) out.push({ path: a[0], before: b[1], after: a[1] });
    i = anchor.i + 1;
    j = anchor.j + 1;
  }
  return out;
}

function containerOrder(td: TaskDefinitionInput): string {
  return (td.containerDefinitions ?? []).map((c) => c.name).join(', ');
}

/**
 * A readable, line-oriented, deterministic diff: one line per changed leaf, `-` removed, `+` added,
 * `~` changed (`old -> new`). Containers, volumes, tags, environment, secrets and dependsOn are
 * addressed by name, so a removed container reads as its own block. A change in container order
 * gets its own line. Empty string when the two are equal.
 */
export function diffTaskDefinitions(before: TaskDefinitionInput, after: TaskDefinitionInput): string {
  const leavesBefore: Leaf[] = [];
  const leavesAfter: Leaf[] = [];
  flatten(before, '', '', leavesBefore);
  flatten(after, '', '', leavesAfter);
  const lines: string[] = [];
  const orderBefore = containerOrder(before);
  const orderAfter = containerOrder(after);
  if (orderBefore !== orderAfter) lines.push(`~ containers: ${orderBefore} -> ${orderAfter}`);
  for (const entry of merge(leavesBefore, leavesAfter)) {
    if (entry.before !== undefined && entry.after !== undefined) {
      if (entry.before !== entry.after) lines.push(`~ ${entry.path}: ${entry.before} -> ${entry.after}`);
    } else if (entry.before !== undefined) {
      lines.push(`- ${entry.path}: ${entry.before}`);
    } else if (entry.after !== undefined) {
      lines.push(`+ ${entry.path}: ${entry.after}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
