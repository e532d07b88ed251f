import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Report } from '../../../core/report/types';
import { LAMBDAS, functionArnSubstitution, type LambdaId } from '../../../lambdas/catalog';
import { handler as audit } from '../../../lambdas/handlers/audit';
import { handler as deployment } from '../../../lambdas/handlers/deployment';
import { handler as finalize } from '../../../lambdas/handlers/finalize';
import { handler as grafana } from '../../../lambdas/handlers/grafana';
import { handler as lock } from '../../../lambdas/handlers/lock';
import { handler as loki } from '../../../lambdas/handlers/loki';
import { handler as preflight } from '../../../lambdas/handlers/preflight';
import { handler as register } from '../../../lambdas/handlers/register';
import { handler as rollback } from '../../../lambdas/handlers/rollback';
import { handler as updateService } from '../../../lambdas/handlers/update-service';
import { handler as verifyCloudWatch } from '../../../lambdas/handlers/verify-cloudwatch';
import { handler as verify } from '../../../lambdas/handlers/verify';
import { handler as verifyShadow } from '../../../lambdas/handlers/verify-shadow';

type Handler = (event: unknown) => Promise<unknown>;
const HANDLERS: Record<(typeof LAMBDAS)[number]['file'], Handler> = {
  lock,
  preflight,
  loki,
  grafana,
  register,
  'update-service': updateService,
  deployment,
  verify,
  'verify-shadow': verifyShadow,
  rollback,
  'verify-cloudwatch': verifyCloudWatch,
  audit,
  finalize,
};

export const ASL_PATH = join(__dirname, '../../../statemachine/rollout.asl.json');
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';
const CHILD_RESOURCE = 'arn:aws:states:::states:startExecution.sync:2';

/** The status of each execution of the latest run (RUNNING while its states run), for DescribeExecution. */
export const harnessExecutions = new Map<string, string>();

interface AslState {
  Type: string;
  Resource?: string;
}

/** The definition with its substitutions filled the way the infra fills them. */
export function loadDefinition(): { States: Record<string, AslState> } & Record<string, unknown> {
  let text = readFileSync(ASL_PATH, 'utf8');
  for (const l of LAMBDAS)
    text = text.replaceAll(
      `\${${functionArnSubstitution(l.id)}}`,
      `arn:aws:lambda:eu-west-1:123456789012:function:alloy-rollout-${l.id}`,
    );
  text = text.replaceAll('${LockTableName}', 'alloy-rollout-lock');
  return JSON.parse(text) as { States: Record<string, AslState> };
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly input: unknown;
  readonly events: { type: string; state?: string }[];
  status?: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface LambdaCall {
  readonly state: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
}

export interface RunResult extends ExecutionRecord {
  /** The parent first, then each child in the order they started. */
  readonly executions: ExecutionRecord[];
  /** Every Lambda invocation, in order (retries included). */
  readonly calls: LambdaCall[];
  /** The output of the state named Finalize: the report. */
  readonly report: Report | undefined;
}

/**
 * Runs one Lambda invocation (`invoke`) on behalf of `lambda`, e.g. to tell apart the AWS calls each
 * Lambda makes. Invocations never overlap: the definition has no Map or Parallel state, and a child
 * execution runs inside its parent's task.
 */
export type InvocationWrapper = (lambda: LambdaId, invoke: () => Promise<unknown>) => Promise<unknown>;

const direct: InvocationWrapper = (_lambda, invoke) => invoke();

/**
 * Lambda errors reach Step Functions as `Error` = errorType and `Cause` = the runtime's JSON
 * ({"errorType","errorMessage",...}); the local runner would pass the bare message, so the
 * handlers are wrapped to behave like the Lambda runtime (and JSON round trips like it).
 */
function asLambda(
  fn: Handler,
  lambda: LambdaId,
  state: string,
  calls: LambdaCall[],
  wrap: InvocationWrapper,
): (input: unknown) => Promise<unknown> {
  return async (input) => {
    try {
      const output: unknown = JSON.parse(
        JSON.stringify((await wrap(lambda, () => fn(JSON.parse(JSON.stringify(input))))) ?? null),
      );
      calls.push({ state, input, output });
      return output;
    } catch (err) {
      const e = err as Error;
      calls.push({ state, input, error: e.name });
      const wrapped = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      wrapped.name = e.name;
      throw wrapped;
    }
  };
}

/** Runs the real definition: real handlers for every Lambda state, children as nested executions. */
export async function runRollout(
  input: unknown,
  options: { executionName?: string; wrapInvocation?: InvocationWrapper } = {},
): Promise<RunResult> {
  const definition = loadDefinition();
  harnessExecutions.clear();
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const executions: ExecutionRecord[] = [];
  const calls: LambdaCall[] = [];
  const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  let children = 0;

  const start = async (executionInput: unknown, name: string): Promise<ExecutionRecord> => {
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:${name}`;
    const record: ExecutionRecord = { executionArn, input: executionInput, events: [] };
    executions.push(record);
    harnessExecutions.set(executionArn, 'RUNNING');
    const execution = machine.run(executionInput as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: waits,
        retryIntervalOverrides: retries,
      },
      context: {
        StateMachine: { Id: STATE_MACHINE_ARN },
        Execution: { Id: executionArn, Name: name },
      } as never,
    });
    const collecting = (async () => {
      for await (const event of execution.eventLogs)
        record.events.push({
          type: event.type,
          ...('state' in event && event.state ? { state: (event.state as { name: string }).name } : {}),
        });
    })();
    try {
      record.output = await execution.result;
      record.status = 'SUCCEEDED';
    } catch (err) {
      const failed = (err as { cause?: { name?: string; message?: string } }).cause;
      record.status = 'FAILED';
      record.error = failed?.name ?? (err as Error).name;
      record.cause = failed?.message ?? (err as Error).message;
    }
    await collecting;
    harnessExecutions.set(executionArn, record.status ?? 'FAILED');
    return record;
  };

  // startExecution.sync:2 on the same state machine: the child's output, or its failure the way
  // Step Functions reports it (States.TaskFailed with the DescribeExecution output as Cause).
  const child = async (request: unknown) => {
    const { Input, StateMachineArn } = request as { Input: unknown; StateMachineArn: string };
    if (StateMachineArn !== STATE_MACHINE_ARN)
      throw new Error(`child started on ${StateMachineArn}, expected the same state machine`);
    children += 1;
    const record = await start(Input, `child-${children}`);
    if (record.status === 'SUCCEEDED')
      return { ExecutionArn: record.executionArn, Status: 'SUCCEEDED', Output: record.output };
    const failure = new Error(
      JSON.stringify({
        ExecutionArn: record.executionArn,
        Status: 'FAILED',
        Error: record.error,
        Cause: record.cause,
      }),
    );
    failure.name = 'States.TaskFailed';
    throw failure;
  };

  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') waits[name] = 0;
    if (state.Type !== 'Task') continue;
    retries[name] = 0;
    if (state.Resource === CHILD_RESOURCE) taskHandlers[name] = child;
    else {
      const spec = LAMBDAS.find((l) => state.Resource?.endsWith(`:function:alloy-rollout-${l.id}`));
      if (!spec) throw new Error(`state ${name} calls ${state.Resource}, which is no catalog Lambda`);
      taskHandlers[name] = asLambda(
        HANDLERS[spec.file],
        spec.id,
        name,
        calls,
        options.wrapInvocation ?? direct,
      );
    }
  }

  const parent = await start(input, options.executionName ?? 'run-1');
  const report = calls.filter((c) => c.state === 'Finalize' && c.output).pop()?.output as Report | undefined;
  return { ...parent, executions, calls, report };
}
