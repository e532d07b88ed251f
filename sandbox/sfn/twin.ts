import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { SimClock } from '../clock';
import { clientError, requireString } from '../aws/errors';
import type { AwsJsonService } from '../aws/protocol';
import {
  LAMBDA_INVOKE_RESOURCES,
  SANDBOX_WAIT_RESOURCE,
  START_EXECUTION_RESOURCES,
  readPath,
  rewriteWaits,
  stateTypes,
  taskStates,
  type Definition,
  type WaitSpec,
} from './definition';
import { HistoryRecorder, jsonText } from './history';
import { invoke, type LambdaHandler } from './lambda-runner';

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly definitionText: string;
  readonly definition: Definition;
  readonly roleArn: string;
  readonly created: number;
}

interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly machine: StateMachineRecord;
  readonly input: string;
  readonly start: number;
  stop?: number;
  status: Status;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: HistoryRecorder;
  readonly done: Promise<void>;
  abort?: () => void;
  /** The execution that started this one with a `states:startExecution` task. */
  readonly parent?: string;
}

export interface SfnTwinOptions {
  readonly region: string;
  readonly account: string;
  readonly clock: SimClock;
  /** The handler behind a Lambda function name or ARN. */
  readonly lambda: (ref: string) => Promise<LambdaHandler | undefined>;
  /** Run before each Lambda invocation (the sandbox points the SDK clients at itself). */
  readonly beforeInvoke?: () => void;
  /** Run when a top-level execution (not a child) starts, with its input: faults that act "when a run starts". */
  readonly onExecutionStart?: (input: unknown) => void;
  /**
   * Called once when an execution (parent or child) ends, with the "Step Functions Execution Status
   * Change" event Step Functions would send to EventBridge (statusChangeEvent). Not called for the
   * executions the sandbox aborts as it stops.
   */
  readonly onExecutionEnd?: (event: Record<string, unknown>) => void;
  /**
   * Asked after a `startExecution` task started a child, with a key for that child start (parent
   * and input): true loses the answer, as a network error after the request reached Step Functions
   * would. The child runs on; the task fails with StepFunctions.SdkClientException and its Retry
   * starts the child again (sfn:child-start-lost).
   */
  readonly loseChildStart?: (key: string) => boolean;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;
const PAGE_MAX = 1000;

/** Step Functions: state machines run by aws-local-stepfunctions with the real Lambda handlers. */
export class SfnTwin {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Execution>();
  private stopped = false;
  /** Lambda invocations under way: an aborted execution does not stop the one it is in. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: SfnTwinOptions) {}

  createStateMachine(name: string, definitionText: string, roleArn: string): StateMachineRecord {
    if (!NAME_RE.test(name)) throw clientError('InvalidName', `Invalid State Machine Name: '${name}'`);
    const arn = `arn:aws:states:${this.o.region}:${this.o.account}:stateMachine:${name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definitionText === definitionText) return existing;
      throw clientError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    let definition: Definition;
    try {
      definition = JSON.parse(definitionText) as Definition;
    } catch (e) {
      throw clientError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${(e as Error).message}'`,
      );
    }
    try {
      // Validates the definition the way the library will run it.
      new StateMachine(definition as unknown as StateMachineDefinition, {
        validationOptions: { checkArn: false },
      });
    } catch (e) {
      throw clientError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${(e as Error).message.replace(/\s+/g, ' ')}'`,
      );
    }
    const record: StateMachineRecord = {
      arn,
      name,
      definitionText,
      definition,
      roleArn,
      created: this.o.clock.now(),
    };
    this.machines.set(arn, record);
    return record;
  }

  private machine(arn: string): StateMachineRecord {
    const m = this.machines.get(arn);
    if (!m) throw clientError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  execution(arn: string): Execution {
    const e = this.executions.get(arn);
    if (!e) throw clientError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  startExecution(machineArn: string, name: string | undefined, input: string, parent?: string): Execution {
    const machine = this.machine(machineArn);
    const execName = name ?? randomUUID();
    if (!NAME_RE.test(execName)) throw clientError('InvalidName', `Invalid Execution Name: '${execName}'`);
    try {
      const parsed = JSON.parse(input) as unknown;
      if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    } catch {
      throw clientError('InvalidExecutionInput', 'Invalid execution input: expected a JSON object');
    }
    if (input.length > 262_144)
      throw clientError('InvalidExecutionInput', 'Execution input exceeds the 262144 byte limit');
    const arn = `arn:aws:states:${this.o.region}:${this.o.account}:execution:${machine.name}:${execName}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // Same name and input while running: the original answer (idempotent start), else an error.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw clientError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const history = new HistoryRecorder(() => this.o.clock.now());
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const execution: Execution = {
      arn,
      name: execName,
      machine,
      input,
      start: this.o.clock.now(),
      status: 'RUNNING',
      history,
      done,
      ...(parent ? { parent } : {}),
    };
    this.executions.set(arn, execution);
    // Before the first state runs, so what the hook changes is what the execution finds.
    if (!parent) this.o.onExecutionStart?.(JSON.parse(input) as unknown);
    void this.run(execution, parent).finally(resolveDone);
    return execution;
  }

  private async run(execution: Execution, parent?: string): Promise<void> {
    const { definition, waits } = rewriteWaits(execution.machine.definition);
    // The execution's TimeoutSeconds is simulated time, like every duration here; the runner counts
    // it in real seconds (a setTimeout), so it is scaled to the clock.
    const timeout = definition['TimeoutSeconds'];
    if (typeof timeout === 'number')
      definition['TimeoutSeconds'] = this.o.clock.realMs(timeout * 1000) / 1000;
    const types = stateTypes(execution.machine.definition);
    const tasks = taskStates(definition);
    const history = execution.history;
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    // Let the history consumer catch up, so events of a Task land after its StateEntered.
    const settle = () => new Promise<void>((r) => setImmediate(r));
    for (const [state, task] of tasks) {
      if (task.resource === SANDBOX_WAIT_RESOURCE) {
        const wait = waits.get(state) as WaitSpec;
        overrides[state] = async (input) => {
          await this.o.clock.sleep(waitMs(wait, input, this.o.clock.now()));
          return input;
        };
      } else if ((START_EXECUTION_RESOURCES as readonly string[]).includes(task.resource)) {
        overrides[state] = (input) => this.runChild(execution, task.resource, input, settle);
      } else {
        const invokeApi = (LAMBDA_INVOKE_RESOURCES as readonly string[]).includes(task.resource);
        const fnRef = invokeApi ? task.functionName : task.resource;
        overrides[state] = async (input) => {
          await settle();
          const ref = invokeApi
            ? String((input as Record<string, unknown>)['FunctionName'] ?? fnRef)
            : (fnRef ?? '');
          const fn = await this.o.lambda(ref.split(':').slice(0, 7).join(':'));
          const payload = invokeApi ? (input as Record<string, unknown>)['Payload'] : input;
          const detail = { resource: ref, input: jsonText(payload).text, inputDetails: { truncated: false } };
          if (invokeApi)
            history.add('TaskScheduled', {
              taskScheduledEventDetails: {
                resourceType: 'lambda',
                resource: 'invoke',
                region: this.o.region,
                parameters: jsonText(input).text,
              },
            });
          else history.add('LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: detail });
          if (!fn) {
            const failure = {
              error: 'Lambda.ResourceNotFoundException',
              cause: `Function not found: ${ref}`,
            };
            history.add(
              invokeApi ? 'TaskFailed' : 'LambdaFunctionFailed',
              invokeApi
                ? { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', ...failure } }
                : { lambdaFunctionFailedEventDetails: failure },
            );
            throw Object.assign(new Error(failure.cause), { name: failure.error });
          }
          history.add(
            invokeApi ? 'TaskStarted' : 'LambdaFunctionStarted',
            invokeApi ? { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } } : {},
          );
          this.o.beforeInvoke?.();
          try {
            const running = invoke(fn, ref, payload);
            this.inFlight.add(running);
            const result = await running.finally(() => this.inFlight.delete(running));
            const out = invokeApi
              ? {
                  ExecutedVersion: '$LATEST',
                  Payload: result,
                  StatusCode: 200,
                  SdkHttpMetadata: { HttpStatusCode: 200 },
                }
              : result;
            const text = jsonText(out);
            if (invokeApi)
              history.add('TaskSucceeded', {
                taskSucceededEventDetails: {
                  resourceType: 'lambda',
                  resource: 'invoke',
                  output: text.text,
                  outputDetails: { truncated: text.truncated },
                },
              });
            else
              history.add('LambdaFunctionSucceeded', {
                lambdaFunctionSucceededEventDetails: {
                  output: text.text,
                  outputDetails: { truncated: text.truncated },
                },
              });
            return out;
          } catch (error) {
            const err = error as Error;
            const failure = { error: err.name, cause: err.message };
            history.add(
              invokeApi ? 'TaskFailed' : 'LambdaFunctionFailed',
              invokeApi
                ? { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', ...failure } }
                : { lambdaFunctionFailedEventDetails: failure },
            );
            throw error;
          }
        };
      }
    }
    const retryIntervalOverrides: Record<string, number[]> = {};
    for (const [state, def] of allStates(definition)) {
      const retry = def['Retry'] as { IntervalSeconds?: number; BackoffRate?: number }[] | undefined;
      if (retry)
        retryIntervalOverrides[state] = retry.map((r) =>
          this.o.clock.realMs((r.IntervalSeconds ?? 1) * 1000),
        );
    }
    const sm = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
    const run = sm.run(JSON.parse(execution.input) as never, {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      context: {
        Execution: {
          Id: execution.arn,
          Name: execution.name,
          RoleArn: execution.machine.roleArn,
          StartTime: new Date(execution.start).toISOString(),
        },
        StateMachine: { Id: execution.machine.arn, Name: execution.machine.name },
      },
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    const consume = (async () => {
      for await (const ev of run.eventLogs) {
        const e = ev as unknown as Record<string, unknown> & {
          type: string;
          state?: { name: string; type: string; input: unknown; output?: unknown };
        };
        const original = e.state ? (types.get(e.state.name) ?? e.state.type) : '';
        switch (e.type) {
          case 'ExecutionStarted':
            history.add('ExecutionStarted', {
              executionStartedEventDetails: {
                input: execution.input,
                inputDetails: { truncated: false },
                roleArn: execution.machine.roleArn,
                ...(parent ? { parentExecutionArn: parent } : {}),
              },
            });
            break;
          case 'StateEntered':
            if (e.state) history.stateEntered(original, e.state.name, e.state.input);
            break;
          case 'StateExited':
            if (!e.state) break;
            if (original === 'Map') history.add('MapStateSucceeded');
            if (original === 'Parallel') history.add('ParallelStateSucceeded');
            history.stateExited(original, e.state.name, e.state.output);
            break;
          case 'StateFailed':
            if (original === 'Map') history.add('MapStateFailed');
            if (original === 'Parallel') history.add('ParallelStateFailed');
            break;
          case 'MapIterationStarted':
          case 'MapIterationSucceeded':
          case 'MapIterationFailed': {
            const parentState = e['parentState'] as { name: string } | undefined;
            const key = `${e.type.charAt(0).toLowerCase()}${e.type.slice(1)}EventDetails`;
            history.add(e.type, { [key]: { name: parentState?.name, index: e['index'] } });
            break;
          }
          case 'ParallelBranchStarted':
            break;
          default:
            break;
        }
      }
    })();
    try {
      const result = await run.result;
      await consume;
      if (execution.status !== 'RUNNING') return;
      const text = jsonText(result);
      execution.output = text.text;
      this.finish(execution, 'SUCCEEDED');
      history.add('ExecutionSucceeded', {
        executionSucceededEventDetails: { output: text.text, outputDetails: { truncated: text.truncated } },
      });
      this.ended(execution);
    } catch (error) {
      await consume.catch(() => undefined);
      if (execution.status !== 'RUNNING') return;
      const err = error as Error & { cause?: unknown };
      const inner = (err.cause ?? err) as Error & { cause?: unknown };
      execution.error =
        inner.name === 'Error' && err.name === 'ExecutionTimeoutError' ? 'States.Timeout' : inner.name;
      execution.cause = typeof inner.cause === 'string' ? inner.cause : inner.message;
      const timedOut = err.name === 'ExecutionTimeoutError';
      this.finish(execution, timedOut ? 'TIMED_OUT' : 'FAILED');
      if (timedOut)
        history.add('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
      else
        history.add('ExecutionFailed', {
          executionFailedEventDetails: { error: execution.error, cause: execution.cause },
        });
      if (timedOut) this.stopChildren(execution);
      this.ended(execution);
    }
  }

  /**
   * Step Functions stops the running `.sync` child of a parent that is stopped or times out: the
   * integration's IAM policy grants states:StopExecution on the child executions for it
   * ("Synchronous" policy, https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html).
   */
  private stopChildren(parent: Execution): void {
    for (const e of this.executions.values())
      if (e.parent === parent.arn && e.status === 'RUNNING') this.stopExecution(e.arn);
  }

  /** The EventBridge event of an execution's end, shaped as Step Functions sends it (statusChangeEvent). */
  private ended(execution: Execution): void {
    if (this.stopped) return;
    this.o.onExecutionEnd?.(statusChangeEvent(this.describe(execution), this.o.region, this.o.account));
  }

  private finish(execution: Execution, status: Status): void {
    execution.status = status;
    execution.stop = this.o.clock.now();
  }

  /** `states:startExecution(.sync(:2))`: a child execution on this same twin. */
  private async runChild(
    parent: Execution,
    resource: string,
    input: unknown,
    settle: () => Promise<void>,
  ): Promise<unknown> {
    await settle();
    const params = (input ?? {}) as Record<string, unknown>;
    const history = parent.history;
    const resourceName = resource.replace('arn:aws:states:::states:', '');
    const base = { resourceType: 'states', resource: resourceName };
    history.add('TaskScheduled', {
      taskScheduledEventDetails: { ...base, region: this.o.region, parameters: jsonText(params).text },
    });
    history.add('TaskStarted', { taskStartedEventDetails: base });
    const childInput =
      typeof params['Input'] === 'string' ? params['Input'] : JSON.stringify(params['Input'] ?? {});
    let child: Execution;
    try {
      child = this.startExecution(
        String(params['StateMachineArn']),
        typeof params['Name'] === 'string' ? params['Name'] : undefined,
        childInput,
        parent.arn,
      );
    } catch (error) {
      const err = error as Error;
      history.add('TaskFailed', {
        taskFailedEventDetails: { ...base, error: `StepFunctions.${err.name}`, cause: err.message },
      });
      throw Object.assign(new Error(err.message), { name: `StepFunctions.${err.name}` });
    }
    if (this.o.loseChildStart?.(`${parent.arn}|${childInput}`)) {
      const cause = 'Unable to execute HTTP request: the connection was reset after the request was sent';
      history.add('TaskFailed', {
        taskFailedEventDetails: { ...base, error: 'StepFunctions.SdkClientException', cause },
      });
      throw Object.assign(new Error(cause), { name: 'StepFunctions.SdkClientException' });
    }
    const started = { ExecutionArn: child.arn, StartDate: new Date(child.start).toISOString() };
    history.add('TaskSubmitted', {
      taskSubmittedEventDetails: {
        ...base,
        output: JSON.stringify(started),
        outputDetails: { truncated: false },
      },
    });
    if (resource.endsWith('startExecution')) {
      history.add('TaskSucceeded', {
        taskSucceededEventDetails: {
          ...base,
          output: JSON.stringify(started),
          outputDetails: { truncated: false },
        },
      });
      return started;
    }
    await child.done;
    // A parent stopped meanwhile (its child stopped with it) records nothing more.
    if (parent.status !== 'RUNNING')
      throw Object.assign(new Error('the execution was stopped'), { name: 'States.Aborted' });
    const v2 = resource.endsWith(':2');
    // The integration's output: DescribeExecution in PascalCase; `:2` parses Input/Output as JSON.
    const output: Record<string, unknown> = {
      ExecutionArn: child.arn,
      StateMachineArn: child.machine.arn,
      Name: child.name,
      Status: child.status,
      StartDate: child.start,
      ...(child.stop ? { StopDate: child.stop } : {}),
      Input: v2 ? JSON.parse(child.input) : child.input,
      InputDetails: { Included: true },
      ...(child.output !== undefined
        ? { Output: v2 ? JSON.parse(child.output) : child.output, OutputDetails: { Included: true } }
        : {}),
      ...(child.error !== undefined ? { Error: child.error } : {}),
      ...(child.cause !== undefined ? { Cause: child.cause } : {}),
    };
    const text = JSON.stringify(output);
    if (child.status === 'SUCCEEDED') {
      history.add('TaskSucceeded', {
        taskSucceededEventDetails: { ...base, output: text, outputDetails: { truncated: false } },
      });
      return output;
    }
    history.add('TaskFailed', {
      taskFailedEventDetails: { ...base, error: 'States.TaskFailed', cause: text },
    });
    throw Object.assign(new Error(text), { name: 'States.TaskFailed' });
  }

  private describe(e: Execution): Record<string, unknown> {
    return {
      executionArn: e.arn,
      stateMachineArn: e.machine.arn,
      name: e.name,
      status: e.status,
      startDate: e.start / 1000,
      ...(e.stop ? { stopDate: e.stop / 1000 } : {}),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }

  stopExecution(arn: string, error?: string, cause?: string): Execution {
    const e = this.execution(arn);
    if (e.status !== 'RUNNING') return e;
    this.finish(e, 'ABORTED');
    if (error) e.error = error;
    if (cause) e.cause = cause;
    e.history.add('ExecutionAborted', {
      executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
    });
    e.abort?.();
    this.stopChildren(e);
    this.ended(e);
    return e;
  }

  api(): AwsJsonService {
    const E = 'InvalidArn';
    return {
      targetPrefix: 'AWSStepFunctions',
      contentType: 'application/x-amz-json-1.0',
      operations: {
        CreateStateMachine: (input) => {
          const type = input['type'] ?? 'STANDARD';
          if (type !== 'STANDARD')
            throw clientError('ValidationException', 'The sandbox runs STANDARD state machines only');
          const m = this.createStateMachine(
            requireString(input, 'name', 'InvalidName'),
            requireString(input, 'definition', 'InvalidDefinition'),
            requireString(input, 'roleArn', 'InvalidArn'),
          );
          return { stateMachineArn: m.arn, creationDate: m.created / 1000 };
        },
        DescribeStateMachine: (input) => {
          const m = this.machine(requireString(input, 'stateMachineArn', E));
          return {
            stateMachineArn: m.arn,
            name: m.name,
            status: 'ACTIVE',
            definition: m.definitionText,
            roleArn: m.roleArn,
            type: 'STANDARD',
            creationDate: m.created / 1000,
          };
        },
        ListStateMachines: () => ({
          stateMachines: [...this.machines.values()].map((m) => ({
            stateMachineArn: m.arn,
            name: m.name,
            type: 'STANDARD',
            creationDate: m.created / 1000,
          })),
        }),
        StartExecution: (input) => {
          const e = this.startExecution(
            requireString(input, 'stateMachineArn', E),
            typeof input['name'] === 'string' ? input['name'] : undefined,
            typeof input['input'] === 'string' ? input['input'] : '{}',
          );
          return { executionArn: e.arn, startDate: e.start / 1000 };
        },
        DescribeExecution: (input) => this.describe(this.execution(requireString(input, 'executionArn', E))),
        StopExecution: (input) => {
          const e = this.stopExecution(
            requireString(input, 'executionArn', E),
            input['error'] as string | undefined,
            input['cause'] as string | undefined,
          );
          return { stopDate: (e.stop ?? this.o.clock.now()) / 1000 };
        },
        ListExecutions: (input) => {
          const m = this.machine(requireString(input, 'stateMachineArn', E));
          const filter = input['statusFilter'];
          const all = [...this.executions.values()]
            .filter((e) => e.machine === m && (!filter || e.status === filter))
            .sort((a, b) => b.start - a.start);
          const { page, next } = paginate(all, input['nextToken'], input['maxResults'], 100);
          return {
            executions: page.map((e) => ({
              executionArn: e.arn,
              stateMachineArn: m.arn,
              name: e.name,
              status: e.status,
              startDate: e.start / 1000,
              ...(e.stop ? { stopDate: e.stop / 1000 } : {}),
            })),
            ...(next ? { nextToken: next } : {}),
          };
        },
        GetExecutionHistory: (input) => {
          const e = this.execution(requireString(input, 'executionArn', E));
          const includeData = input['includeExecutionData'] !== false;
          let events = [...e.history.events];
          if (input['reverseOrder'] === true) events = events.reverse();
          const { page, next } = paginate(events, input['nextToken'], input['maxResults'], 100);
          return {
            events: page.map((ev) => (includeData ? ev : stripData(ev))),
            ...(next ? { nextToken: next } : {}),
          };
        },
      },
    };
  }

  /** Aborts running executions (the sandbox is stopping). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const e of this.executions.values())
      if (e.status === 'RUNNING') this.stopExecution(e.arn, 'Sandbox.Stopped', 'the sandbox stopped');
  }

  /**
   * Waits (at most `limitMs` of real time) for the Lambda invocations still under way after
   * `stop()`: they talk to the sandbox's server, so it must outlive them, and a test's module
   * registry must too (a handler that loads an SDK module after a test file ended fails it).
   */
  async settled(limitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), limit]);
    clearTimeout(timer);
  }
}

/**
 * "Step Functions Execution Status Change" as EventBridge delivers it
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html): dates in epoch ms, input
 * and output as JSON text with their `inputDetails`/`outputDetails`, error and cause or null.
 */
export function statusChangeEvent(
  described: Record<string, unknown>,
  region: string,
  account: string,
): Record<string, unknown> {
  const ms = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) : null);
  const stop = ms(described['stopDate']);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(stop ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [described['executionArn']],
    detail: {
      executionArn: described['executionArn'],
      stateMachineArn: described['stateMachineArn'],
      name: described['name'],
      status: described['status'],
      startDate: ms(described['startDate']),
      stopDate: stop,
      input: described['input'] ?? null,
      output: described['output'] ?? null,
      inputDetails: { included: described['input'] !== undefined },
      outputDetails: described['output'] !== undefined ? { included: true } : null,
      error: described['error'] ?? null,
      cause: described['cause'] ?? null,
    },
  };
}

function* allStates(def: Definition): Generator<[string, Record<string, unknown>]> {
  for (const [name, state] of Object.entries(def.States)) {
    yield [name, state];
    const inner = (state['ItemProcessor'] ?? state['Iterator']) as Definition | undefined;
    if (inner?.States) yield* allStates(inner);
    for (const b of (state['Branches'] as Definition[] | undefined) ?? []) yield* allStates(b);
  }
}

function waitMs(wait: WaitSpec, input: unknown, now: number): number {
  if (wait.Seconds !== undefined) return wait.Seconds * 1000;
  if (wait.SecondsPath !== undefined) {
    const v = readPath(input, wait.SecondsPath);
    if (typeof v !== 'number' || v < 0)
      throw Object.assign(new Error(`SecondsPath ${wait.SecondsPath} did not select a non-negative number`), {
        name: 'States.Runtime',
      });
    return v * 1000;
  }
  const ts =
    wait.Timestamp ?? (wait.TimestampPath !== undefined ? readPath(input, wait.TimestampPath) : undefined);
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts)))
    throw Object.assign(new Error('Timestamp did not select an RFC 3339 time'), { name: 'States.Runtime' });
  return Math.max(0, Date.parse(ts) - now);
}

/** Opaque page tokens, checked like the real service (InvalidToken for anything else). */
function paginate<T>(
  items: readonly T[],
  token: unknown,
  max: unknown,
  fallback: number,
): { page: T[]; next?: string } {
  const size = typeof max === 'number' && max > 0 ? Math.min(max, PAGE_MAX) : fallback;
  let start = 0;
  if (token !== undefined) {
    const decoded =
      typeof token === 'string'
        ? /^sandbox-page-(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'))
        : null;
    if (!decoded) throw clientError('InvalidToken', `Invalid Token: '${String(token)}'`);
    start = Number(decoded[1]);
  }
  const page = items.slice(start, start + size);
  return start + size < items.length
    ? { page, next: Buffer.from(`sandbox-page-${start + size}`).toString('base64') }
    : { page };
}

function stripData(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const { input: _i, output: _o, ...rest } = v as Record<string, unknown>;
      void _i;
      void _o;
      out[k] = rest;
    } else out[k] = v;
  }
  return out;
}
