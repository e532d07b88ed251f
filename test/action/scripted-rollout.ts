import { executionArn } from './fake-sfn';
import type { TimedDraft, TimedStepFunctions } from './timed-sfn';

export interface RolloutScript {
  readonly services: number;
  readonly pollSeconds: number;
  /** Verify polls per service; the last wait before the final poll is shortened to land on a deadline. */
  readonly verifyPolls: number;
  readonly lokiPolls: number;
  /** How long the n-th Lambda runs (ms). */
  readonly lambdaMs: (n: number) => number;
  /** How long after a child ends its parent records the task's end (ms). */
  readonly parentLagMs: number;
}

/** Deterministic durations between `min` and `max` ms. */
export function durations(seed: number, min: number, max: number): (n: number) => number {
  return (n) => {
    let x = (seed * 2654435761 + n * 40503) >>> 0;
    x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0;
    x = Math.imul(x ^ (x >>> 13), 3266489909) >>> 0;
    return min + (((x ^ (x >>> 16)) >>> 0) % (max - min + 1));
  };
}

const lambda = { resourceType: 'lambda', resource: 'invoke' };

/** Scripts a whole rollout (parent, Loki polls, one child per service running a Verify loop). */
export class RolloutScriptWriter {
  /** Every step line the rollout prints, with the execution and follower time of its event. */
  readonly lines: { arn: string; at: number; text: string }[] = [];
  private lambdas = 0;

  constructor(
    private readonly fake: TimedStepFunctions,
    private readonly script: RolloutScript,
  ) {}

  write(parentArn: string): number {
    const { pollSeconds, lokiPolls, services, parentLagMs } = this.script;
    const timing = { pollSeconds, soakSeconds: 120 };
    let t = 0;
    this.fake.add(parentArn, t, { type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } });
    t = this.step(parentArn, t + 10, 'Lock', { step: 'lock', status: 'ok', message: 'locked' });
    t = this.step(parentArn, t + 10, 'Preflight', { step: 'preflight', status: 'ok', message: 'planned' });
    t = this.step(parentArn, t + 10, 'LokiDeploy', { step: 'loki', status: 'pending', message: 'deploying' });
    t = this.wait(parentArn, t + 5, 'LokiWait', { preflight: { timing } }, pollSeconds);
    for (let i = 1; i <= lokiPolls; i++) {
      const last = i === lokiPolls;
      const progress = { step: 'loki', status: last ? 'ok' : 'pending', message: `poll ${i}` };
      t = this.step(parentArn, t + 5, 'LokiPoll', progress);
      t = this.choice(parentArn, t + 5, 'LokiReady');
      if (!last)
        t = this.wait(
          parentArn,
          t + 5,
          'LokiPollWait',
          { preflight: { timing }, loki: { waitSeconds: pollSeconds } },
          pollSeconds,
        );
    }
    for (let s = 1; s <= services; s++) {
      const child = executionArn(`rollout-service-${s}`);
      this.fake.add(parentArn, t + 5, entered('TaskStateEntered', 'MigrateService'));
      this.fake.add(parentArn, t + 6, {
        type: 'TaskScheduled',
        taskScheduledEventDetails: {
          resourceType: 'states',
          resource: 'startExecution.sync:2',
          region: 'eu-west-1',
          parameters: '{}',
        },
      });
      this.fake.add(parentArn, t + 7, {
        type: 'TaskStarted',
        taskStartedEventDetails: { resourceType: 'states', resource: 'startExecution.sync:2' },
      });
      this.fake.add(parentArn, t + 9, {
        type: 'TaskSubmitted',
        taskSubmittedEventDetails: {
          resourceType: 'states',
          resource: 'startExecution.sync:2',
          output: JSON.stringify({ ExecutionArn: child, StartDate: 1 }),
        },
      });
      const childEnd = this.child(child, t + 8, `svc${s}`, timing);
      t = childEnd + parentLagMs;
      this.fake.add(parentArn, t, {
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          resourceType: 'states',
          resource: 'startExecution.sync:2',
          output: JSON.stringify({ ExecutionArn: child, Status: 'SUCCEEDED' }),
        },
      });
      this.fake.add(parentArn, t + 1, {
        type: 'TaskStateExited',
        stateExitedEventDetails: { name: 'MigrateService', output: '{}' },
      });
      t = this.choice(parentArn, t + 2, 'ServicesNext');
    }
    t = this.step(parentArn, t + 5, 'Finalize', { step: 'finalize', status: 'ok', message: 'done' });
    this.fake.add(parentArn, t + 5, {
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: '{}' },
    });
    return t + 5;
  }

  private child(arn: string, start: number, service: string, timing: Record<string, number>): number {
    const { pollSeconds, verifyPolls } = this.script;
    this.fake.add(arn, start, { type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } });
    let t = this.step(arn, start + 10, 'Register', {
      service,
      step: 'register',
      status: 'ok',
      message: 'registered',
    });
    t = this.step(arn, t + 5, 'UpdateService', { service, step: 'update', status: 'ok', message: 'updated' });
    t = this.wait(arn, t + 5, 'VerifyWait', { timing }, pollSeconds);
    for (let i = 1; i <= verifyPolls; i++) {
      const last = i === verifyPolls;
      const progress = { service, step: 'verify', status: last ? 'ok' : 'pending', message: `poll ${i}` };
      t = this.step(arn, t + 5, 'Verify', progress);
      t = this.choice(arn, t + 5, 'VerifyDone');
      // The wait before the last poll is shortened so that it lands on the deadline.
      const seconds = i === verifyPolls - 1 ? Math.max(1, Math.floor(pollSeconds / 3)) : pollSeconds;
      if (!last)
        t = this.wait(arn, t + 5, 'VerifyPollWait', { timing, verify: { waitSeconds: seconds } }, seconds);
    }
    this.fake.add(arn, t + 5, {
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: '{}' },
    });
    return t + 5;
  }

  /** A Lambda task that reports `progress`; returns when it exited. */
  private step(arn: string, t: number, name: string, progress: Record<string, unknown>): number {
    const ms = this.script.lambdaMs((this.lambdas += 1));
    const text = `${String(progress['message'])} ${this.lambdas}`;
    this.fake.add(arn, t, entered('TaskStateEntered', name));
    this.fake.add(arn, t + 1, {
      type: 'TaskScheduled',
      taskScheduledEventDetails: { ...lambda, region: 'eu-west-1', parameters: '{}' },
    });
    this.fake.add(arn, t + 2, { type: 'TaskStarted', taskStartedEventDetails: lambda });
    this.fake.add(arn, t + ms, {
      type: 'TaskSucceeded',
      taskSucceededEventDetails: {
        ...lambda,
        output: JSON.stringify({ Payload: { progress: { ...progress, message: text } } }),
      },
    });
    this.lines.push({ arn, at: t + ms, text });
    this.fake.add(arn, t + ms + 1, {
      type: 'TaskStateExited',
      stateExitedEventDetails: { name, output: '{}' },
    });
    return t + ms + 1;
  }

  private choice(arn: string, t: number, name: string): number {
    this.fake.add(arn, t, entered('ChoiceStateEntered', name));
    this.fake.add(arn, t + 1, { type: 'ChoiceStateExited', stateExitedEventDetails: { name, output: '{}' } });
    return t + 1;
  }

  private wait(arn: string, t: number, name: string, input: unknown, seconds: number): number {
    this.fake.add(arn, t, entered('WaitStateEntered', name, input));
    this.fake.add(arn, t + seconds * 1000, {
      type: 'WaitStateExited',
      stateExitedEventDetails: { name, output: '{}' },
    });
    return t + seconds * 1000;
  }
}

function entered(type: TimedDraft['type'], name: string, input: unknown = {}): TimedDraft {
  return { type, stateEnteredEventDetails: { name, input: JSON.stringify(input) } };
}
