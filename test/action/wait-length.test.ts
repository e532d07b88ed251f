import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { smallestSecondsIn, waitSecondsAtLeast } from '../../action/src/wait-length';
import { REPO_ROOT } from './inputs-fixture';

describe('Wait lengths from the Wait input', () => {
  it('takes the smallest ...Seconds number anywhere in an input', () => {
    expect(smallestSecondsIn({ timing: { pollSeconds: 10, soakSeconds: 120 }, x: { waitSeconds: 3 } })).toBe(
      3,
    );
    expect(smallestSecondsIn({ seconds: 1, timing: { pollSeconds: 10 } })).toBe(10);
    expect(smallestSecondsIn({ a: 'b', c: { waitSeconds: '5' } })).toBeUndefined();
  });

  it('reads the input as the history gives it (JSON text), and nothing from text that is not JSON', () => {
    expect(waitSecondsAtLeast('{"verify":{"waitSeconds":7},"timing":{"pollSeconds":10}}')).toBe(7);
    expect(waitSecondsAtLeast('{"truncated')).toBeUndefined();
    expect(waitSecondsAtLeast(undefined)).toBeUndefined();
  });
});

type State = Record<string, unknown>;

/** Every Wait state of a definition, nested Parallel branches and Map iterators included. */
function waitStates(machine: unknown): [string, State][] {
  const states = (machine as { States?: Record<string, State> } | undefined)?.States ?? {};
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state['Type'] === 'Wait' ? [[name, state] as [string, State]] : []),
    ...((state['Branches'] as unknown[] | undefined) ?? []).flatMap(waitStates),
    ...waitStates(state['ItemProcessor'] ?? state['Iterator']),
  ]);
}

describe("the product's state machine", () => {
  const asl = JSON.parse(
    readFileSync(join(REPO_ROOT, 'statemachine', 'rollout.asl.json'), 'utf8'),
  ) as unknown;
  const waits = waitStates(asl);

  it('has Wait states', () => {
    expect(waits.length).toBeGreaterThan(0);
  });

  // The follower skips reading an execution for the rest of a Wait, taking the smallest "...Seconds"
  // number of the Wait's input as its length: a lower bound only if every Wait reads its seconds from
  // such a field. A Wait with literal Seconds, an InputPath or a timestamp would break that (a line
  // could then print late); give it a SecondsPath to a "...Seconds" field, or change wait-length.ts.
  it.each(waits)('%s waits a "...Seconds" field of its input', (_name, spec) => {
    expect(spec['Seconds']).toBeUndefined();
    expect(spec['Timestamp']).toBeUndefined();
    expect(spec['TimestampPath']).toBeUndefined();
    expect(spec['InputPath']).toBeUndefined();
    expect(spec['SecondsPath']).toMatch(/^\$(\.[A-Za-z_][A-Za-z0-9_-]*)*\.[A-Za-z0-9_-]*Seconds$/);
    const path = String(spec['SecondsPath']).slice(2).split('.');
    const input = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), 42);
    expect(smallestSecondsIn(input)).toBe(42);
  });
});
