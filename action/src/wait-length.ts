import { parseJson } from './history-events';

/**
 * The smallest `...Seconds` number anywhere in a Wait's input. Every Wait of the product's state
 * machine takes its length from such a field of its input through SecondsPath (`timing.pollSeconds`,
 * a step's `waitSeconds`; test/action/wait-length.test.ts holds the definition to that), so this is
 * never more than the Wait will last: at worst it is shorter, which costs reads, never a late line.
 * The exact path is in the state machine definition, but reading it would need
 * states:DescribeStateMachine, which the role the Action runs with does not have.
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

/** How long, at least, a Wait entered with this input (JSON text, as the history has it) lasts. */
export function waitSecondsAtLeast(inputText: string | undefined): number | undefined {
  return smallestSecondsIn(parseJson(inputText));
}
