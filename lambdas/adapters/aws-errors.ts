import {
  DependencyRejectedError,
  RolloutError,
  ServiceNotFoundError,
  ThrottledError,
  TransientError,
} from '../../core/errors';

/** SDK exception names that mean "slow down". */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
  'LimitExceededException',
]);
/** Worth another try: the service or the network hiccupped. */
const TRANSIENT = new Set([
  'ServerException',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
]);
const NOT_FOUND = new Set([
  'ServiceNotFoundException',
  'ClusterNotFoundException',
  'ServiceNotActiveException',
]);

function fault(err: unknown): { name: string; message: string; status: number | undefined } {
  const e = err as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  } | null;
  const name = typeof e?.name === 'string' ? e.name : typeof e?.code === 'string' ? e.code : 'Error';
  return {
    name,
    message: typeof e?.message === 'string' ? e.message : String(err),
    status: e?.$metadata?.httpStatusCode,
  };
}

/**
 * Turns an SDK exception into one of our named errors, so Step Functions can Retry or Catch it by
 * name and nothing above the adapter sees SDK types. `what` says which call failed.
 */
export function translateAwsError(err: unknown, what: string): RolloutError {
  if (err instanceof RolloutError) return err;
  const { name, message, status } = fault(err);
  const details = { call: what, awsError: name, httpStatus: status };
  const text = `${what} failed: ${name}: ${message}`;
  if (THROTTLING.has(name) || status === 429) return new ThrottledError(text, details, { cause: err });
  if (NOT_FOUND.has(name)) return new ServiceNotFoundError(text, details, { cause: err });
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500))
    return new TransientError(text, details, { cause: err });
  return new DependencyRejectedError(text, details, { cause: err });
}

/** Runs one AWS call and translates what it throws. */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateAwsError(err, what);
  }
}
