import { UnrevertableError } from '../errors';
import type {
  AnyTaskDefinition,
  ContainerDefinition,
  ContainerDependency,
  TaskDefinitionInput,
} from './types';
import { toRegisterInput } from './register-input';
import { adotCandidates, isOurAddition, isOurSidecar } from './detect';
import { BASELINE_TAG, RECORD_LABELS } from './names';
import { ALL_OUR_VOLUMES } from './alloy-containers';
import { linkTarget } from './references';
import { deepEqual } from './json';
import { diffTaskDefinitions } from './diff';

export interface RevertResult {
  taskDefinition: TaskDefinitionInput;
  diff: string;
  warnings: string[];
}

function refuse(reason: string, family: string, message: string): UnrevertableError {
  return new UnrevertableError(`cannot revert task definition family "${family}": ${message}`, {
    family,
    reason,
  });
}

interface MigrationRecord {
  adot?: string;
  main?: string[];
  resizedCpu?: [string, string];
  resizedMemory?: [string, string];
}

function readRecord(sidecar: ContainerDefinition): MigrationRecord {
  const labels = sidecar.dockerLabels ?? {};
  const pair = (value: string | undefined): [string, string] | undefined => {
    const m = value ? /^(.*)->(.*)$/.exec(value) : null;
    return m ? [m[1] ?? '', m[2] ?? ''] : undefined;
  };
  const out: MigrationRecord = {};
  const adot = labels[RECORD_LABELS.adotContainer];
  if (adot) out.adot = adot;
  const main = labels[RECORD_LABELS.mainContainers];
  if (main) out.main = main.split(',').filter(Boolean);
  const cpu = pair(labels[RECORD_LABELS.resizedCpu]);
  if (cpu) out.resizedCpu = cpu;
  const memory = pair(labels[RECORD_LABELS.resizedMemory]);
  if (memory) out.resizedMemory = memory;
  return out;
}

/** Puts back, at their baseline positions, the list entries that pointed at the collector. */
function restoreEntries<T>(
  current: T[] | undefined,
  baseline: T[] | undefined,
  pointsAtCollector: (item: T) => boolean,
): T[] | undefined {
  const missing = (baseline ?? [])
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => pointsAtCollector(item));
  if (missing.length === 0) return current;
  const out = [...(current ?? [])];
  for (const { item, index } of missing) {
    if (out.some((existing) => deepEqual(existing, item))) continue;
    out.splice(Math.min(index, out.length), 0, item);
  }
  return out;
}

/**
 * The current container with the observability parts of its baseline put back: the awslogs
 * configuration (only where the migration switched it) and the dependsOn/links entries that
 * pointed at the collector. An untouched container comes back as the baseline's, byte for byte.
 */
function restoreContainer(
  c: ContainerDefinition,
  baseline: ContainerDefinition | undefined,
  adot: string,
  main: ReadonlySet<string>,
): ContainerDefinition {
  if (!baseline) return c;
  const out: ContainerDefinition = { ...c };
  const switched =
    c.logConfiguration?.logDriver === 'json-file' && baseline.logConfiguration?.logDriver !== 'json-file';
  if (main.has(c.name) && switched) {
    if (baseline.logConfiguration) out.logConfiguration = baseline.logConfiguration;
    else delete out.logConfiguration;
  }
  const dependsOn = restoreEntries<ContainerDependency>(
    c.dependsOn,
    baseline.dependsOn,
    (d) => d.containerName === adot,
  );
  if (dependsOn) out.dependsOn = dependsOn;
  const links = restoreEntries<string>(c.links, baseline.links, (l) => linkTarget(l) === adot);
  if (links) out.links = links;
  return deepEqual(out, baseline) ? baseline : out;
}

/** Index at which the collector goes back: after its nearest baseline predecessor still present. */
function collectorIndex(
  result: readonly ContainerDefinition[],
  baseline: readonly ContainerDefinition[],
  adot: string,
): number {
  const at = baseline.findIndex((c) => c.name === adot);
  for (let i = at - 1; i >= 0; i--) {
    const found = result.findIndex((c) => c.name === baseline[i]?.name);
    if (found >= 0) return found + 1;
  }
  for (let i = at + 1; i < baseline.length; i++) {
    const found = result.findIndex((c) => c.name === baseline[i]?.name);
    if (found >= 0) return found;
  }
  return result.length;
}

function withOptionalList<K extends 'volumes' | 'tags'>(
  td: TaskDefinitionInput,
  key: K,
  kept: NonNullable<TaskDefinitionInput[K]>,
  baseline: TaskDefinitionInput,
): void {
  const original = baseline[key];
  if (deepEqual(kept, original ?? [])) {
    if (original === undefined) delete td[key];
    else td[key] = original;
  } else {
    td[key] = kept;
  }
}

/**
 * The reverse of migrate. `current` may be a later revision than migrate produced (new images,
 * environment...): its app containers are kept, and only the observability parts come back from
 * the baseline (the ADOT container at its position, awslogs, collector dependsOn/links, task
 * cpu/memory when migrate grew them). For an unchanged migration, the result deep-equals
 * toRegisterInput(baseline). Throws UnrevertableError with details.reason.
 */
export function revert(currentIn: AnyTaskDefinition, baselineIn: AnyTaskDefinition): RevertResult {
  const current = toRegisterInput(currentIn);
  const baseline = toRegisterInput(baselineIn);
  const family = current.family;
  if (baseline.family !== family)
    throw refuse('family-mismatch', family, `the baseline is of family "${baseline.family}"`);
  if (baseline.containerDefinitions.some(isOurSidecar))
    throw refuse(
      'baseline-migrated',
      family,
      'the baseline already runs the Alloy sidecar; expected the ADOT + awslogs revision',
    );

  const sidecar = current.containerDefinitions.find(isOurSidecar);
  if (!sidecar) {
    if (deepEqual(current, baseline))
      return { taskDefinition: baseline, diff: '', warnings: ['already the baseline: nothing to revert'] };
    throw refuse('not-migrated', family, 'it does not run the Alloy sidecar and differs from the baseline');
  }
  const record = readRecord(sidecar);
  const candidates = adotCandidates(baseline);
  const adotName = record.adot ?? (candidates.length === 1 ? candidates[0]?.name : undefined);
  const adot = baseline.containerDefinitions.find((c) => c.name === adotName);
  if (!adotName || !adot) {
    throw refuse(
      'baseline-mismatch',
      family,
      record.adot
        ? `the baseline has no container "${record.adot}" (the collector the migration removed)`
        : 'no single ADOT collector in the baseline',
    );
  }

  const warnings: string[] = [];
  const remaining = current.containerDefinitions.filter((c) => !isOurAddition(c));
  if (remaining.some((c) => c.name === adotName))
    throw refuse(
      'name-clash',
      family,
      `a container is already named "${adotName}" (the collector to restore)`,
    );
  const main = new Set(record.main ?? remaining.map((c) => c.name));
  const byName = new Map(baseline.containerDefinitions.map((c) => [c.name, c]));
  const restored = remaining.map((c) => {
    const base = byName.get(c.name);
    const out = restoreContainer(c, base, adotName, main);
    if (!base) warnings.push(`container "${c.name}" is not in the baseline: kept as it is`);
    else if (out !== base)
      warnings.push(
        `container "${c.name}" changed since the baseline: kept its current settings, restored its logging and collector references`,
      );
    return out;
  });
  restored.splice(collectorIndex(restored, baseline.containerDefinitions, adotName), 0, adot);

  const td: TaskDefinitionInput = { ...current, containerDefinitions: restored };
  withOptionalList(
    td,
    'volumes',
    (current.volumes ?? []).filter((v) => !ALL_OUR_VOLUMES.includes(v.name ?? '')),
    baseline,
  );
  withOptionalList(
    td,
    'tags',
    (current.tags ?? []).filter((t) => t.key !== BASELINE_TAG),
    baseline,
  );
  for (const [key, resized] of [
    ['cpu', record.resizedCpu],
    ['memory', record.resizedMemory],
  ] as const) {
    if (!resized) continue;
    if (current[key] === resized[1]) td[key] = resized[0];
    else
      warnings.push(
        `task ${key} is ${current[key] ?? 'unset'}, not the ${resized[1]} the migration set: kept`,
      );
  }
  for (const v of adot.mountPoints ?? []) {
    if (v.sourceVolume && !(td.volumes ?? []).some((x) => x.name === v.sourceVolume)) {
      const volume = (baseline.volumes ?? []).find((x) => x.name === v.sourceVolume);
      if (volume) td.volumes = [...(td.volumes ?? []), volume];
    }
  }
  const taskDefinition = deepEqual(td, baseline) ? baseline : td;
  return { taskDefinition, diff: diffTaskDefinitions(current, taskDefinition), warnings };
}
