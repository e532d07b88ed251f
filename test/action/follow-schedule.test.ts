import { followExecution } from '../../action/src/follow';
import { DEFAULT_PACER, RequestPacer } from '../../action/src/pacer';
import { DEFAULT_SCHEDULE } from '../../action/src/read-schedule';
import { executionArn, recordingIO } from './fake-sfn';
import { durations, RolloutScriptWriter, type RolloutScript } from './scripted-rollout';
import { TimedStepFunctions, type TimedOptions } from './timed-sfn';

const PARENT = executionArn('migrate-1-1-acme-platform');
const BOUND_MS = 5000;

const SCRIPT: RolloutScript = {
  services: 3,
  pollSeconds: 10,
  verifyPolls: 12,
  lokiPolls: 3,
  lambdaMs: durations(1, 100, 2500),
  parentLagMs: 300,
};

async function follow(options: TimedOptions, script: RolloutScript = SCRIPT) {
  const fake = new TimedStepFunctions(options);
  const writer = new RolloutScriptWriter(fake, script);
  const endsAt = writer.write(PARENT);
  const io = recordingIO();
  const latencies: number[] = [];
  const outcome = await followExecution(
    {
      sfn: fake.client,
      io,
      clock: fake.clock,
      pacer: new RequestPacer(fake.clock, DEFAULT_PACER),
      // The event's timestamp is on the service's clock: compare the follower time it stands for.
      onStepPrinted: (eventAt) => latencies.push(fake.now - fake.timeOfStamp(eventAt)),
    },
    PARENT,
    { pollIntervalMs: DEFAULT_SCHEDULE.pollIntervalMs },
  );
  const minutes = endsAt / 60_000;
  const reads = (arn: string) => fake.requests.filter((r) => r.executionArn === arn);
  return { fake, writer, outcome, latencies, minutes, reads, io };
}

describe('following a rollout on its own schedule', () => {
  // Every combination a runner may meet: the runner's clock ahead of or behind the service's (or
  // running at another pace), quick or slow answers, Lambdas quicker or slower than a poll.
  const cases: [string, TimedOptions, RolloutScript][] = [];
  for (const [skewMs, stampRate] of [
    [0, 1],
    [45_000, 1],
    [-45_000, 1],
    [0, 1 / 20],
  ] as const)
    for (const latencyMs of [40, 350])
      for (const [seed, min, max] of [
        [1, 100, 2500],
        [2, 3000, 9000],
        [3, 100, 400],
      ] as const)
        cases.push([
          `skew ${skewMs} ms, stamps at x${stampRate}, latency ${latencyMs} ms, Lambdas ${min}-${max} ms`,
          { latencyMs, skewMs, stampRate },
          { ...SCRIPT, lambdaMs: durations(seed, min, max) },
        ]);

  it.each(cases)('prints every step within 5 s of its event (%s)', async (_name, options, script) => {
    const { outcome, latencies, writer } = await follow(options, script);

    expect(outcome.end?.status).toBe('SUCCEEDED');
    expect(latencies).toHaveLength(writer.lines.length);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(BOUND_MS);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0);
  });

  it('sends at most 12 requests per minute, most of them to the running child', async () => {
    const { fake, minutes, reads, outcome } = await follow({ latencyMs: 100 });

    expect(fake.requests.length / minutes).toBeLessThanOrEqual(12);
    // Three children of about two minutes each: the parent is read when a child ends and once a minute besides.
    expect(reads(PARENT).length).toBeLessThan(outcome.childExecutions.length * 4 + 12);
  });

  it('reads a running execution every 4 s when it may change at any moment', async () => {
    // Lock, Preflight and LokiDeploy run half a minute each before the first Wait: nothing to skip.
    const script = { ...SCRIPT, services: 1, verifyPolls: 2, lokiPolls: 1, lambdaMs: () => 30_000 };
    const { reads, latencies } = await follow({ latencyMs: 100 }, script);

    const sends = reads(PARENT)
      .map((r) => r.at)
      .filter((at) => at < 90_000);
    const gaps = sends.slice(1).map((at, i) => at - (sends[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(20);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_SCHEDULE.pollIntervalMs);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(BOUND_MS);
  });
});
