import { InputInvalidError } from '../core/errors';

/** The environment the Lambdas read, once, at handler start (never at import). */
export interface LambdaEnv {
  /** DynamoDB table of the per-cluster lock (Lock, Finalize). */
  readonly lockTableName: string | undefined;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): LambdaEnv {
  return { lockTableName: source.LOCK_TABLE_NAME || undefined };
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
