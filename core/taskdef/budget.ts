import type { ContainerDefinition, ResourceBudget } from './types';

/** Task-level cpu: "1024" or "1 vCPU"; memory: "2048" or "2 GB". null when absent. */
export function parseTaskCpu(value: string | undefined): number | null {
  if (value === undefined) return null;
  const vcpu = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(value);
  if (vcpu) return Math.round(Number(vcpu[1]) * 1024);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

export function parseTaskMemory(value: string | undefined): number | null {
  if (value === undefined) return null;
  const gb = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(value);
  if (gb) return Math.round(Number(gb[1]) * 1024);
  return /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

function containerCpu(c: ContainerDefinition): number {
  return c.cpu ?? 0;
}

function containerMemory(c: ContainerDefinition): number {
  return c.memory ?? c.memoryReservation ?? 0;
}

export function sumResources(containers: readonly ContainerDefinition[]): { cpu: number; memory: number } {
  return containers.reduce(
    (sum, c) => ({ cpu: sum.cpu + containerCpu(c), memory: sum.memory + containerMemory(c) }),
    { cpu: 0, memory: 0 },
  );
}

export interface BudgetInput {
  readonly taskCpu: string | undefined;
  readonly taskMemory: string | undefined;
  readonly before: readonly ContainerDefinition[];
  readonly after: readonly ContainerDefinition[];
  readonly adot: ContainerDefinition;
  readonly alloy: ContainerDefinition;
  readonly init: ContainerDefinition;
}

export interface BudgetCheck {
  readonly budget: Omit<ResourceBudget, 'taskAfter' | 'resized'>;
  /** Human-readable overruns ("cpu: containers need 4112 of 4096 task units"); empty when it fits. */
  readonly overruns: string[];
  /** Task-level values that would fit, for allowResize. */
  readonly fittingCpu: number | null;
  readonly fittingMemory: number | null;
}

/**
 * A limit is exceeded when the containers after migration need more than the task allows and
 * more than they did before: some real definitions already overcommit (ECS accepted them), and the
 * migration is not to blame for what it did not make worse.
 */
export function checkBudget(input: BudgetInput): BudgetCheck {
  const taskBefore = { cpu: parseTaskCpu(input.taskCpu), memory: parseTaskMemory(input.taskMemory) };
  const containersBefore = sumResources(input.before);
  const containersAfter = sumResources(input.after);
  const overruns: string[] = [];
  let fittingCpu: number | null = null;
  let fittingMemory: number | null = null;
  if (
    taskBefore.cpu !== null &&
    containersAfter.cpu > taskBefore.cpu &&
    containersAfter.cpu > containersBefore.cpu
  ) {
    overruns.push(`cpu: containers would need ${containersAfter.cpu} units, task allows ${taskBefore.cpu}`);
    fittingCpu = containersAfter.cpu;
  }
  if (
    taskBefore.memory !== null &&
    containersAfter.memory > taskBefore.memory &&
    containersAfter.memory > containersBefore.memory
  ) {
    overruns.push(
      `memory: containers would need ${containersAfter.memory} MiB, task allows ${taskBefore.memory}`,
    );
    fittingMemory = containersAfter.memory;
  }
  return {
    budget: {
      taskBefore,
      containersBefore,
      containersAfter,
      freed: { cpu: containerCpu(input.adot), memory: containerMemory(input.adot) },
      alloy: { cpu: containerCpu(input.alloy), memory: containerMemory(input.alloy) },
      init: { cpu: containerCpu(input.init), memory: containerMemory(input.init) },
    },
    overruns,
    fittingCpu,
    fittingMemory,
  };
}

/** Smallest sidecar we carve down to; below this Alloy would not keep up with a Temporal service. */
export const ALLOY_FLOOR = { cpu: 64, memory: 128 } as const;

export interface SidecarSizeInput {
  readonly taskCpu: string | undefined;
  readonly taskMemory: string | undefined;
  readonly containers: readonly ContainerDefinition[];
  readonly adot: ContainerDefinition;
  readonly init: { readonly cpu: number; readonly memory: number };
}

/**
 * Default Alloy size when the plan sets none: the collector's own. Real definitions often spend the
 * whole task budget on the app plus the collector; then the init container's small share is carved
 * out of Alloy's, so the swap needs no more than ADOT had (the reference temporal-history task:
 * ADOT 128/256 -> Alloy 112/224 + init 16/32). Returns null for a dimension that needs no carving
 * or cannot be carved without going under ALLOY_FLOOR (the budget check then reports the numbers).
 */
export function carvedSidecarSize(input: SidecarSizeInput): { cpu: number | null; memory: number | null } {
  const task = { cpu: parseTaskCpu(input.taskCpu), memory: parseTaskMemory(input.taskMemory) };
  const used = sumResources(input.containers);
  const adotCpu = containerCpu(input.adot);
  const adotMemory = containerMemory(input.adot);
  const carve = (
    limit: number | null,
    usedNow: number,
    adotShare: number,
    initShare: number,
    floor: number,
  ) => {
    if (limit === null || usedNow + initShare <= limit) return null;
    const carved = adotShare - (usedNow + initShare - limit);
    return carved >= floor && carved < adotShare ? carved : null;
  };
  return {
    cpu: carve(task.cpu, used.cpu, adotCpu, input.init.cpu, ALLOY_FLOOR.cpu),
    memory: carve(task.memory, used.memory, adotMemory, input.init.memory, ALLOY_FLOOR.memory),
  };
}
