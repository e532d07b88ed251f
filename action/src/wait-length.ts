import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { parseJson } from './history-events';
import type { RequestPacer } from './pacer';
import type { ActionIO } from './types';

/** How a Wait state says how long it waits (ASL, JSONPath). */
export interface WaitSpec {
  readonly Seconds?: unknown;
  readonly SecondsPath?: unknown;
  readonly InputPath?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `$` and `$.a.b` only: anything richer is left unread rather than guessed. */
export function readSimplePath(value: unknown, path: string): { found: boolean; value?: unknown } {
  if (path === '$') return { found: true, value };
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_-]*)+$/.test(path)) return { found: false };
  let current = value;
  for (const key of path.slice(2).split('.')) {
    if (!isRecord(current) || !(key in current)) return { found: false };
    current = current[key];
  }
  return { found: true, value: current };
}

/** Every Wait state of a definition by name, nested Parallel branches and Map iterators included. */
export function waitStatesOf(definition: unknown): Map<string, WaitSpec[]> {
  const waits = new Map<string, WaitSpec[]>();
  const visit = (machine: unknown, depth: number) => {
    if (!isRecord(machine) || !isRecord(machine['States']) || depth > 8) return;
    for (const [name, state] of Object.entries(machine['States'])) {
      if (!isRecord(state)) continue;
      if (state['Type'] === 'Wait') waits.set(name, [...(waits.get(name) ?? []), state]);
      for (const branch of Array.isArray(state['Branches']) ? state['Branches'] : [])
        visit(branch, depth + 1);
      visit(state['ItemProcessor'] ?? state['Iterator'], depth + 1);
    }
  };
  visit(definition, 0);
  return waits;
}

/** Seconds a Wait state will wait for this input, when the spec says so in seconds we can read. */
export function secondsOfSpec(spec: WaitSpec, input: unknown): number | undefined {
  if (typeof spec.Seconds === 'number') return spec.Seconds >= 0 ? spec.Seconds : undefined;
  if (typeof spec.SecondsPath !== 'string') return undefined; // Timestamp(Path), or JSONata
  let effective = input;
  if (spec.InputPath !== undefined) {
    if (typeof spec.InputPath !== 'string') return undefined;
    const selected = readSimplePath(input, spec.InputPath);
    if (!selected.found) return undefined;
    effective = selected.value;
  }
  const found = readSimplePath(effective, spec.SecondsPath);
  return found.found && typeof found.value === 'number' && found.value >= 0 ? found.value : undefined;
}

/**
 * The smallest `...Seconds` number anywhere in a Wait's input. Every Wait of the product's state
 * machine takes its length from such a field of its input (`timing.pollSeconds`, a step's
 * `waitSeconds`; test/action/wait-length.test.ts holds the definition to that), so this is never
 * more than the Wait will last: at worst it is shorter, which costs reads, never a late line.
 */
export function smallestSecondsIn(input: unknown): number | undefined {
  let smallest: number | undefined;
  const visit = (value: unknown, depth: number) => {
    if (depth > 12 || typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key.endsWith('Seconds') && typeof inner === 'number' && Number.isFinite(inner) && inner >= 0)
        smallest = smallest === undefined ? inner : Math.min(smallest, inner);
      visit(inner, depth + 1);
    }
  };
  visit(input, 0);
  return smallest;
}

/** `arn:aws:states:r:a:execution:machine:name` -> `arn:aws:states:r:a:stateMachine:machine`. */
export function stateMachineArnOf(executionArn: string): string | undefined {
  const parts = executionArn.split(':');
  if (parts.length < 8 || parts[5] !== 'execution') return undefined;
  return [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':');
}

/**
 * How long a Wait will last, read from the Wait's own input. The path to the seconds is in the
 * state machine definition, read once per state machine (parent and children share one). It
 * describes the current revision: a rollout takes minutes and a redeploy in between that changed a
 * Wait's path is the one case this misreads. When the definition cannot be read (the role may not
 * allow states:DescribeStateMachine, or the state is not in it), `smallestSecondsIn` is the answer.
 */
export class WaitLengths {
  private readonly definitions = new Map<string, Promise<Map<string, WaitSpec[]> | undefined>>();

  constructor(
    private readonly deps: {
      readonly sfn: Pick<SFNClient, 'send'>;
      readonly pacer: RequestPacer;
      readonly io: ActionIO;
    },
  ) {}

  async seconds(
    executionArn: string,
    state: string,
    inputText: string | undefined,
  ): Promise<number | undefined> {
    const input = parseJson(inputText);
    const machine = stateMachineArnOf(executionArn);
    const waits = machine ? await this.definition(machine) : undefined;
    const specs = waits?.get(state) ?? [];
    // A Wait until a timestamp (or written in JSONata) has no length to read: no quiet time is claimed.
    if (specs.some((spec) => typeof spec.Seconds !== 'number' && typeof spec.SecondsPath !== 'string'))
      return undefined;
    const exact = specs.map((spec) => secondsOfSpec(spec, input));
    if (exact.length > 0 && exact.every((s) => s !== undefined)) return Math.min(...exact);
    // Not in the definition, or its path selects nothing here: the execution runs another revision.
    return smallestSecondsIn(input);
  }

  private definition(machine: string): Promise<Map<string, WaitSpec[]> | undefined> {
    let pending = this.definitions.get(machine);
    if (!pending) {
      pending = this.describe(machine);
      this.definitions.set(machine, pending);
    }
    return pending;
  }

  private async describe(machine: string): Promise<Map<string, WaitSpec[]> | undefined> {
    try {
      const described = await this.deps.pacer.send(`reading the definition of ${machine}`, () =>
        this.deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine })),
      );
      return waitStatesOf(parseJson(described?.definition));
    } catch (error) {
      // Following goes on without it: Wait lengths then come from the Wait's input alone.
      this.deps.io.info(
        `Wait lengths are estimated from each Wait's input: the state machine definition could not be read (${(error as Error).message.split(';')[0]}).`,
      );
      return undefined;
    }
  }
}
