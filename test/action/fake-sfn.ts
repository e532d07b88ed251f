import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
  type HistoryEventType,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { ActionIO } from '../../action/src/types';

export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';
export const executionArn = (name: string) =>
  `arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:${name}`;

type Draft = Omit<HistoryEvent, 'id' | 'timestamp'> & { type: HistoryEventType; timestamp?: Date };

export const entered = (name: string): Draft => ({
  type: 'TaskStateEntered',
  stateEnteredEventDetails: { name },
});
export const lambdaSucceeded = (output: unknown): Draft => ({
  type: 'LambdaFunctionSucceeded',
  lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) },
});
export const lambdaTaskSucceeded = (output: unknown): Draft => ({
  type: 'TaskSucceeded',
  taskSucceededEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke',
    output: JSON.stringify({ Payload: output, StatusCode: 200 }),
  },
});
export const exited = (name: string, output: unknown): Draft => ({
  type: 'TaskStateExited',
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});
export const childSubmitted = (arn: string): Draft => ({
  type: 'TaskSubmitted',
  taskSubmittedEventDetails: {
    resourceType: 'states',
    resource: 'startExecution.sync:2',
    output: JSON.stringify({ ExecutionArn: arn, StartDate: 1 }),
  },
});
export const taskFailed = (error: string, cause: string): Draft => ({
  type: 'TaskFailed',
  taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error, cause },
});
export const executionSucceeded = (output: unknown): Draft => ({
  type: 'ExecutionSucceeded',
  executionSucceededEventDetails: { output: JSON.stringify(output) },
});
export const executionFailed = (error: string, cause: string): Draft => ({
  type: 'ExecutionFailed',
  executionFailedEventDetails: { error, cause },
});
export const progress = (
  step: string,
  status: string,
  message: string,
  extra: Record<string, unknown> = {},
) => ({ progress: { step, status, message, ...extra } });

/** Numbers events the way Step Functions does (ids from 1, in order). */
export function numbered(drafts: readonly Draft[], from = 1): HistoryEvent[] {
  return drafts.map((d, i) => ({
    ...d,
    id: from + i,
    timestamp: d.timestamp ?? new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)),
  }));
}

/** The same event, stamped at `ms` after the start of 2026 (to order events across executions). */
export function at<T extends Draft>(ms: number, draft: T): T {
  return { ...draft, timestamp: new Date(Date.UTC(2026, 0, 1) + ms) };
}

/**
 * A Step Functions stand-in whose histories grow one tick per `sleep`: tick k reveals the events
 * scripted for it, so following a live execution is deterministic and instant.
 */
export class FakeStepFunctions {
  readonly mock = mockClient(SFNClient);
  readonly client = new SFNClient({ region: 'eu-west-1' });
  private readonly histories = new Map<string, HistoryEvent[]>();
  private readonly script: { arn: string; drafts: Draft[] }[][] = [];
  private tick = 0;
  now = 0;
  readonly sleeps: number[] = [];
  readonly existing = new Map<string, string>();

  constructor() {
    this.mock.on(GetExecutionHistoryCommand).callsFake(this.history);
    this.mock.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      const status = this.existing.get(input.executionArn);
      if (!status)
        return Promise.reject(
          Object.assign(new Error(`Execution Does Not Exist: '${input.executionArn}'`), {
            name: 'ExecutionDoesNotExist',
            $metadata: { httpStatusCode: 400 },
          }),
        );
      return Promise.resolve({ executionArn: input.executionArn, status });
    });
    this.mock.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      const arn = executionArn(input.name);
      this.existing.set(arn, 'RUNNING');
      return Promise.resolve({ executionArn: arn, startDate: new Date(0) });
    });
  }

  /** GetExecutionHistory over what has been revealed so far, paged like the real API. */
  readonly history = (input: {
    executionArn: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
  }) => {
    const all = [...(this.histories.get(input.executionArn) ?? [])];
    if (input.reverseOrder) all.reverse();
    const offset = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 1000;
    const events = all.slice(offset, offset + size);
    return Promise.resolve({
      events,
      ...(offset + size < all.length ? { nextToken: String(offset + size) } : {}),
    });
  };

  /** Events that appear at tick `at` (0 = already there when following starts). */
  at(at: number, arn: string, drafts: Draft[]): this {
    while (this.script.length <= at) this.script.push([]);
    this.script[at]?.push({ arn, drafts });
    if (at === 0) this.reveal(0);
    return this;
  }

  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.now += ms;
    this.tick += 1;
    this.reveal(this.tick);
    return Promise.resolve();
  };

  private reveal(tick: number): void {
    for (const { arn, drafts } of this.script[tick] ?? []) {
      const history = this.histories.get(arn) ?? [];
      history.push(...numbered(drafts, history.length + 1));
      this.histories.set(arn, history);
    }
    if (this.script[tick]) this.script[tick] = [];
  }
}

export interface RecordedIO extends ActionIO {
  readonly lines: string[];
  readonly outputs: Record<string, string>;
  readonly errors: { message: string; title?: string }[];
  summary: string;
}

/** Records what the Action would show: log lines (groups as "::group::"), outputs, annotations, summary. */
export function recordingIO(): RecordedIO {
  const io: RecordedIO = {
    lines: [],
    outputs: {},
    errors: [],
    summary: '',
    info: (m) => io.lines.push(m),
    warning: (m) => io.lines.push(`warning: ${m}`),
    error: (message, annotation) =>
      io.errors.push({ message, ...(annotation?.title ? { title: annotation.title } : {}) }),
    startGroup: (name) => io.lines.push(`::group::${name}`),
    endGroup: () => io.lines.push('::endgroup::'),
    setOutput: (name, value) => {
      io.outputs[name] = value;
    },
    appendSummary: (markdown) => {
      io.summary += markdown;
      return Promise.resolve();
    },
  };
  return io;
}
