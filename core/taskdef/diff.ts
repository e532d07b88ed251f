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

/** On a tie, stay close to the previous line, so an added leaf stays with its container. */
function preferRemoval(
  table: number[][],
  i: number,
  j: number,
  removed: string,
  added: string,
  previous: string,
): boolean {
  const skipRemoved = table[i + 1]?.[j] ?? 0;
  const skipAdded = table[i]?.[j + 1] ?? 0;
  if (skipRemoved !== skipAdded) return skipRemoved > skipAdded;
  return sharedPrefix(removed, previous) >= sharedPrefix(added, previous);
}

/** Longest common subsequence of path lists, to interleave removed and added lines in place. */
function merge(
  before: readonly Leaf[],
  after: readonly Leaf[],
): Array<{ path: string; before?: string; after?: string }> {
  const n = before.length;
  const m = after.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] =
        before[i]?.[0] === after[j]?.[0]
          ? (table[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: Array<{ path: string; before?: string; after?: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const b = before[i];
    const a = after[j];
    if (b && a && b[0] === a[0]) {
      out.push({ path: b[0], before: b[1], after: a[1] });
      i++;
      j++;
    } else if (b && (!a || preferRemoval(table, i, j, b[0], a[0], out.at(-1)?.path ?? ''))) {
      out.push({ path: b[0], before: b[1] });
      i++;
    } else if (a) {
      out.push({ path: a[0], after: a[1] });
      j++;
    }
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
