import type { Context } from 'aws-lambda';
import type { EventLambdaId, LambdaId } from '../catalog';
import { decisionLines, failureLine, verdictOf, type LogLine } from './decision-lines';
import { invocationKeys } from './invocation-keys';
import { openInvocationTrace } from './invocation-trace';
import { rolloutLogger, type RolloutLogger } from './logger';
import { rolloutTracer } from './tracer';

/** A Lambda of the definition (LAMBDAS) or one an event runs (EVENT_LAMBDAS). */
export type InstrumentedId = LambdaId | EventLambdaId;

/** What a handler file exports: Lambda calls it with the event and the context. */
export type LambdaEntry<R> = ((event: unknown, context?: unknown) => Promise<R>) & {
  readonly [INSTRUMENTED]: InstrumentedId;
};

/** Marks an instrumented handler with its Lambda id (every-handler-instrumented.test.ts checks each catalog entry). */
export const INSTRUMENTED: unique symbol = Symbol.for('alloy-rollout.instrumented');

/** The Lambda id an exported handler was instrumented as, or undefined when it was not. */
export function instrumentedAs(handler: unknown): InstrumentedId | undefined {
  return typeof handler === 'function' ? (handler as Partial<LambdaEntry<unknown>>)[INSTRUMENTED] : undefined;
}

/** The Lambda context (a test may call a handler without one). */
function isLambdaContext(context: unknown): context is Context {
  const c = context as Partial<Context> | null | undefined;
  return typeof c?.functionName === 'string' && typeof c.awsRequestId === 'string';
}

function write(log: RolloutLogger, line: LogLine): void {
  log[line.level](line.message, { ...line.fields });
}

/**
 * The handler as Lambda runs it: logs what it decided and traces it, then returns its result (or
 * rethrows its error) unchanged, so Step Functions sees exactly what the handler returned.
 *
 * Keys: each invocation logs through its own child of the one Logger, made with the invocation's
 * keys as persistent keys (Logger.createChild), rather than appendKeys/resetKeys on the shared
 * Logger: the sandbox runs several invocations at once in one process, and keys appended to one
 * shared Logger would show on another invocation's lines. The child is dropped after the
 * invocation, which clears its keys.
 */
export function instrumented<R>(
  lambdaId: InstrumentedId,
  handle: (event: unknown) => Promise<R>,
): LambdaEntry<R> {
  const entry = async (event: unknown, context?: unknown): Promise<R> => {
    const keys = invocationKeys(lambdaId, event);
    const log = rolloutLogger().createChild({ persistentKeys: { ...keys } }) as RolloutLogger;
    // function_name, function_request_id, cold_start on every line.
    if (isLambdaContext(context)) log.addContext(context);
    const trace = openInvocationTrace(rolloutTracer(), keys);
    try {
      const result = await handle(event);
      for (const line of decisionLines(lambdaId, result)) write(log, line);
      const verdict = verdictOf(result);
      if (verdict) trace.verdict(verdict);
      return result;
    } catch (error) {
      write(log, failureLine(lambdaId, error));
      trace.error(error);
      throw error;
    } finally {
      trace.close();
    }
  };
  return Object.assign(entry, { [INSTRUMENTED]: lambdaId });
}
