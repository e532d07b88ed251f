import { AsyncLocalStorage } from 'node:async_hooks';

/** Receives each JSON log line of one invocation, in place of stdout. */
export type LogSink = (line: string) => void;

// Per async context, so invocations that run at once in one process (the sandbox runs every
// Lambda in-process, several concurrently) each keep their own lines: a swapped global would mix them.
const sinks = new AsyncLocalStorage<LogSink>();

/**
 * Runs `fn` with its log lines going to `sink` instead of stdout. On AWS nothing calls this: Lambda
 * itself sends a function's stdout to its log group. The sandbox calls it to do the same into its
 * CloudWatch Logs twin.
 */
export function withLogSink<T>(sink: LogSink, fn: () => Promise<T>): Promise<T> {
  return sinks.run(sink, fn);
}

/** The sink of the current invocation, if one was set. */
export function currentLogSink(): LogSink | undefined {
  return sinks.getStore();
}
