import { InputInvalidError } from '../core/errors';

/** The environment the Lambdas read, once, at handler start (never at import). */
export interface LambdaEnv {
  /** DynamoDB table of the per-cluster lock (Lock, Finalize). */
  readonly lockTableName: string | undefined;
  /**
   * LOCK_TTL_SECONDS: the shortest lock lifetime the construct allows (the state machine's
   * TimeoutSeconds plus a margin); the Lock step writes max(plan lock.ttl, this).
   */
  readonly lockTtlSeconds: number | undefined;
  /** EXECUTION_TIMEOUT_SECONDS: the state machine's TimeoutSeconds, for the lock's evidence. */
  readonly executionTimeoutSeconds: number | undefined;
  /** NOTIFY_TOPIC_ARN: the SNS topic ExecutionEnded notifies; unset when the construct wires none. */
  readonly notifyTopicArn: string | undefined;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): LambdaEnv {
  return {
    lockTableName: source.LOCK_TABLE_NAME || undefined,
    lockTtlSeconds: wholeSeconds(source, 'LOCK_TTL_SECONDS'),
    executionTimeoutSeconds: wholeSeconds(source, 'EXECUTION_TIMEOUT_SECONDS'),
    notifyTopicArn: source.NOTIFY_TOPIC_ARN || undefined,
  };
}

/** An optional positive whole number of seconds; anything else is a deployment mistake, named. */
function wholeSeconds(source: NodeJS.ProcessEnv, variable: string): number | undefined {
  const text = source[variable];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new InputInvalidError(
      `environment variable ${variable} is ${JSON.stringify(text)}; expected a positive whole number of seconds`,
      { variable },
    );
  return value;
}

/** For the handlers that cannot work without a variable: a clear error naming it. */
export function requireEnv<K extends keyof LambdaEnv>(
  env: LambdaEnv,
  key: K,
  variable: string,
): NonNullable<LambdaEnv[K]> {
  const value = env[key];
  if (value === undefined || value === null)
    throw new InputInvalidError(
      `environment variable ${variable} is not set; expected the name of the lock table`,
      { variable },
    );
  return value as NonNullable<LambdaEnv[K]>;
}
