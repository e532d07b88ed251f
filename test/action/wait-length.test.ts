import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { RequestPacer } from '../../action/src/pacer';
import {
  readSimplePath,
  secondsOfSpec,
  smallestSecondsIn,
  stateMachineArnOf,
  WaitLengths,
  waitStatesOf,
} from '../../action/src/wait-length';
import { executionArn, recordingIO } from './fake-sfn';
import { REPO_ROOT } from './inputs-fixture';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';

const definition = {
  StartAt: 'Poll',
  States: {
    Poll: { Type: 'Task', Resource: 'x', Next: 'PollWait' },
    PollWait: { Type: 'Wait', SecondsPath: '$.poll.waitSeconds', Next: 'Poll' },
    Fixed: { Type: 'Wait', Seconds: 7, Next: 'Until' },
    Until: { Type: 'Wait', TimestampPath: '$.at', Next: 'Branches' },
    Branches: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Wait', Seconds: 3, End: true } } }],
      End: true,
    },
  },
};

describe('Wait specs', () => {
  it('reads $ and dotted paths only', () => {
    expect(readSimplePath({ a: { b: 2 } }, '$.a.b')).toEqual({ found: true, value: 2 });
    expect(readSimplePath({ a: 1 }, '$')).toEqual({ found: true, value: { a: 1 } });
    expect(readSimplePath({ a: 1 }, '$.b')).toEqual({ found: false });
    expect(readSimplePath({ a: [1] }, '$.a[0]')).toEqual({ found: false });
  });

  it('gives the seconds of Seconds and SecondsPath, after InputPath, and nothing for a timestamp', () => {
    const input = { poll: { waitSeconds: 4 }, inner: { s: 9 }, at: '2030-01-01T00:00:00Z' };
    expect(secondsOfSpec({ Seconds: 7 }, input)).toBe(7);
    expect(secondsOfSpec({ SecondsPath: '$.poll.waitSeconds' }, input)).toBe(4);
    expect(secondsOfSpec({ InputPath: '$.inner', SecondsPath: '$.s' }, input)).toBe(9);
    expect(secondsOfSpec({ SecondsPath: '$.missing' }, input)).toBeUndefined();
    expect(secondsOfSpec({}, input)).toBeUndefined();
  });

  it('finds Wait states in nested branches', () => {
    expect([...waitStatesOf(definition).keys()].sort()).toEqual(['Fixed', 'Inner', 'PollWait', 'Until']);
  });

  it('takes the smallest ...Seconds number anywhere in an input', () => {
    expect(smallestSecondsIn({ timing: { pollSeconds: 10, soakSeconds: 120 }, x: { waitSeconds: 3 } })).toBe(
      3,
    );
    expect(smallestSecondsIn({ seconds: 1, timing: { pollSeconds: 10 } })).toBe(10);
    expect(smallestSecondsIn({ a: 'b' })).toBeUndefined();
  });

  it('names the state machine of an execution', () => {
    expect(stateMachineArnOf(executionArn('migrate-1-1-a-b'))).toBe(MACHINE);
    expect(stateMachineArnOf('not-an-arn')).toBeUndefined();
  });
});

describe('WaitLengths', () => {
  const setup = () => {
    const mock = mockClient(SFNClient);
    const io = recordingIO();
    const pacer = new RequestPacer(
      { now: () => 0, sleep: () => Promise.resolve() },
      { minIntervalMs: 0, maxAttempts: 1, baseBackoffMs: 1, maxBackoffMs: 1 },
    );
    const waits = new WaitLengths({ sfn: new SFNClient({ region: 'eu-west-1' }), pacer, io });
    return { mock, io, waits };
  };

  it('reads the definition once for the parent and its children, and the seconds from the Wait input', async () => {
    const { mock, waits } = setup();
    mock.on(DescribeStateMachineCommand).resolves({ definition: JSON.stringify(definition) });
    const input = JSON.stringify({ poll: { waitSeconds: 4 }, timing: { pollSeconds: 2 } });

    const parent = await waits.seconds(executionArn('p'), 'PollWait', input);
    const child = await waits.seconds(executionArn('p-worker'), 'Fixed', input);

    expect([parent, child]).toEqual([4, 7]);
    expect(mock).toHaveReceivedCommandTimes(DescribeStateMachineCommand, 1);
    expect(mock).toHaveReceivedCommandWith(DescribeStateMachineCommand, { stateMachineArn: MACHINE });
  });

  it('claims nothing for a Wait until a timestamp', async () => {
    const { mock, waits } = setup();
    mock.on(DescribeStateMachineCommand).resolves({ definition: JSON.stringify(definition) });

    expect(await waits.seconds(executionArn('p'), 'Until', '{"timing":{"pollSeconds":10}}')).toBeUndefined();
  });

  it('falls back to the smallest ...Seconds of the input when the definition cannot be read', async () => {
    const { mock, io, waits } = setup();
    mock.on(DescribeStateMachineCommand).rejects(
      Object.assign(new Error('not authorized to perform: states:DescribeStateMachine'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const input = JSON.stringify({ timing: { pollSeconds: 10, soakSeconds: 120 } });

    expect(await waits.seconds(executionArn('p'), 'Soak', input)).toBe(10);
    expect(await waits.seconds(executionArn('p-worker'), 'Soak', input)).toBe(10);
    expect(io.lines).toEqual([expect.stringContaining('Wait lengths are estimated from each Wait')]);
  });
});

describe("the product's state machine", () => {
  const asl = JSON.parse(
    readFileSync(join(REPO_ROOT, 'statemachine', 'rollout.asl.json'), 'utf8'),
  ) as unknown;
  const waits = [...waitStatesOf(asl).entries()].flatMap(([name, specs]) =>
    specs.map((s) => [name, s] as const),
  );

  it('has Wait states', () => {
    expect(waits.length).toBeGreaterThan(0);
  });

  // The follower skips reading an execution for the rest of a Wait. Without the definition it takes
  // the smallest "...Seconds" number of the Wait's input as the Wait's length: a lower bound only if
  // every Wait reads its seconds from such a field. A Wait with literal Seconds or a timestamp would
  // break that; give it a SecondsPath to a "...Seconds" field instead (or change wait-length.ts).
  it.each(waits)('%s waits a "...Seconds" field of its input, read by a simple path', (_name, spec) => {
    expect(spec.Seconds).toBeUndefined();
    expect(spec.InputPath).toBeUndefined();
    expect(spec.SecondsPath).toMatch(/^\$(\.[A-Za-z_][A-Za-z0-9_-]*)*\.[A-Za-z0-9_-]*Seconds$/);
    const path = String(spec.SecondsPath).slice(2).split('.');
    const input = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), 42);
    expect(secondsOfSpec(spec, input)).toBe(42);
    expect(smallestSecondsIn(input)).toBe(42);
  });
});
