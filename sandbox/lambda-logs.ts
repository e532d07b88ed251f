import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { CloudWatchLogsTwin } from './aws/cloudwatch-logs';
import type { LambdaHandler } from './sfn/lambda-runner';

type WithLogSink = <T>(sink: (line: string) => void, fn: () => Promise<T>) => Promise<T>;

/** Lambda's log group of a function: /aws/lambda/<function name>. */
export function lambdaLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** The function name in a function reference (a name or an ARN, as the state machine names it). */
export function functionNameOf(ref: string): string {
  return ref.startsWith('arn:') ? (ref.split(':')[6] ?? ref) : ref;
}

/**
 * Lambda's stream name, `YYYY/MM/DD/[$LATEST]<32 hex>`: one stream per execution environment.
 * The sandbox runs one "environment" per function, so one stream per function.
 */
function streamName(functionName: string, atMs: number): string {
  const day = new Date(atMs).toISOString().slice(0, 10).replaceAll('-', '/');
  const id = createHash('sha256').update(functionName).digest('hex').slice(0, 32);
  return `${day}/[$LATEST]${id}`;
}

/**
 * The log sink of the handlers under `root`, loaded by path as the handlers are (the very module
 * instance they import, also when `root` is another checkout); undefined for a checkout that has
 * none, whose handlers then log to stdout as before.
 */
export async function loadLogSink(root: string): Promise<WithLogSink | undefined> {
  const file = path.join(root, 'lambdas', 'observability', 'log-sink.ts');
  try {
    const mod = (await import(file)) as {
      withLogSink?: WithLogSink;
      default?: { withLogSink?: WithLogSink };
    };
    // A CommonJS module imported from ESM may show its exports under `default` only.
    return mod.withLogSink ?? mod.default?.withLogSink;
  } catch (error) {
    if (
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ||
      /Cannot find module/.test(String(error))
    )
      return undefined;
    throw error;
  }
}

/**
 * Does what Lambda does with a function's stdout: each line an invocation logs becomes an event
 * in /aws/lambda/<function name> of the CloudWatch Logs twin (the group made on first write), at
 * the sandbox's time. The lines go through the sink of the invocation's async context, so
 * invocations running at once each write to their own function's group.
 */
export function capturingLogs(
  resolve: (ref: string) => Promise<LambdaHandler | undefined>,
  withLogSink: WithLogSink,
  logs: CloudWatchLogsTwin,
  now: () => number,
): (ref: string) => Promise<LambdaHandler | undefined> {
  return async (ref) => {
    const handler = await resolve(ref);
    if (!handler) return undefined;
    const functionName = functionNameOf(ref);
    const group = lambdaLogGroup(functionName);
    const sink = (line: string) => {
      const atMs = now();
      if (!logs.hasGroup(group)) logs.createGroup(group);
      logs.append(group, streamName(functionName, atMs), [{ timestamp: atMs, message: line }]);
    };
    return (event, context) => withLogSink(sink, () => handler(event, context));
  };
}
