import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { EVENT_LAMBDAS, LAMBDAS } from '../../lambdas/catalog';
import { jsonCopy } from './definition';

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** An error as the Lambda runtime reports it: name = errorType, message = the JSON error document. */
export class LambdaInvocationFailure extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`] }));
    this.name = errorType;
  }
}

/** States rejects state input/output larger than 256 KiB with this error. */
export class DataLimitExceeded extends Error {
  constructor(what: string, size: number) {
    super(
      `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit (${size} > 262144).`,
    );
    this.name = 'States.DataLimitExceeded';
  }
}

/**
 * Finds the real handler behind a function name or ARN: `alloy-rollout-<Id>` is the catalog entry
 * `<Id>`, whose file under lambdas/handlers/ exports `handler`. Loaded on first use.
 */
export function handlerResolver(
  root: string,
  extra: Readonly<Record<string, LambdaHandler>> = {},
): (ref: string) => Promise<LambdaHandler | undefined> {
  const cache = new Map<string, Promise<LambdaHandler | undefined>>();
  return (ref) => {
    const name = ref.startsWith('arn:') ? (ref.split(':')[6] ?? '') : ref;
    if (extra[name]) return Promise.resolve(extra[name]);
    // The definition's Lambdas and the ones events run (ExecutionEnded), by the same naming.
    const spec = [...LAMBDAS, ...EVENT_LAMBDAS].find((l) => `alloy-rollout-${l.id}` === name);
    if (!spec) return Promise.resolve(undefined);
    let found = cache.get(spec.file);
    if (!found) {
      const file = path.join(root, 'lambdas', 'handlers', `${spec.file}.ts`);
      found = (import(file) as Promise<{ handler?: LambdaHandler }>).then((mod) => {
        if (typeof mod.handler !== 'function') throw new Error(`${file} does not export a handler function`);
        return mod.handler;
      });
      cache.set(spec.file, found);
    }
    return found;
  };
}

/**
 * Invokes a handler the way the Lambda service would: a context object, the result passed through
 * JSON (dates become strings, undefined disappears), errors reported by name and message.
 */
export async function invoke(handler: LambdaHandler, functionName: string, event: unknown): Promise<unknown> {
  // The state machine names a function by ARN; Lambda's context has the name and the ARN apart.
  const name = functionName.startsWith('arn:') ? (functionName.split(':')[6] ?? functionName) : functionName;
  const context = {
    functionName: name,
    functionVersion: '$LATEST',
    awsRequestId: randomUUID(),
    invokedFunctionArn: functionName,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'sandbox',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
  };
  let result: unknown;
  try {
    result = await handler(jsonCopy(event), context);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    throw new LambdaInvocationFailure(err.name || 'Error', err.message);
  }
  const text = JSON.stringify(result ?? null);
  if (text.length > 262_144) throw new DataLimitExceeded(functionName, text.length);
  return JSON.parse(text) as unknown;
}

type UseTimeSource = (source: () => number) => () => void;

/**
 * Installs `now` as the clock the handlers under `root` read (`lambdas/clock.ts`) and returns the
 * function that puts the previous one back. The module is loaded the way the handlers are (by path
 * under `root`), so it is the very instance they import even when `root` is another checkout.
 */
export async function installLambdaClock(root: string, now: () => number): Promise<() => void> {
  const file = path.join(root, 'lambdas', 'clock.ts');
  const mod = (await import(file)) as {
    useTimeSource?: UseTimeSource;
    default?: { useTimeSource?: UseTimeSource };
  };
  // A CommonJS module imported from ESM may show its exports under `default` only.
  const useTimeSource = mod.useTimeSource ?? mod.default?.useTimeSource;
  if (typeof useTimeSource !== 'function') throw new Error(`${file} does not export useTimeSource`);
  return useTimeSource(now);
}
