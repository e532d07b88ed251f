import {
  DependencyRejectedError,
  RolloutError,
  ServiceNotFoundError,
  ThrottledError,
  TransientError,
} from '../../core/errors';

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

export function isThrottling(error: unknown): boolean {
  const e = shape(error);
  return (
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429 ||
    ['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded'].includes(
      e.name ?? '',
    )
  );
}

/** Worth another try: throttling, a 5xx, or the connection dropping. */
export function isTransient(error: unknown): boolean {
  const e = shape(error);
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    isThrottling(error) ||
    status >= 500 ||
    ['TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(e.name ?? '')
  );
}

export function errorName(error: unknown): string {
  return shape(error).name ?? '';
}

/**
 * Step Functions errors as the product's named errors, with what to do about them; callers never
 * see SDK error types.
 */
export function translateSfnError(error: unknown, what: string): RolloutError {
  if (error instanceof RolloutError) return error;
  const e = shape(error);
  const message = e.message ?? String(error);
  const name = e.name ?? 'Error';
  if (isThrottling(error))
    return new ThrottledError(
      `${what}: Step Functions kept throttling (${name}: ${message})`,
      {},
      { cause: error },
    );
  if (isTransient(error))
    return new TransientError(
      `${what}: Step Functions did not answer (${name}: ${message})`,
      {},
      { cause: error },
    );
  if (name === 'AccessDeniedException' || e.$metadata?.httpStatusCode === 403)
    return new DependencyRejectedError(
      `${what}: access denied (${message}); the role from configure-aws-credentials needs states:StartExecution, states:DescribeExecution and states:GetExecutionHistory on this state machine and its executions`,
      {},
      { cause: error },
    );
  if (name === 'StateMachineDoesNotExist' || name === 'ExecutionDoesNotExist')
    return new ServiceNotFoundError(
      `${what}: ${message}; check state-machine-arn and aws-region`,
      {},
      { cause: error },
    );
  if (
    name === 'UnrecognizedClientException' ||
    name === 'InvalidClientTokenId' ||
    name === 'CredentialsProviderError'
  )
    return new DependencyRejectedError(
      `${what}: no usable AWS credentials (${message}); run aws-actions/configure-aws-credentials first`,
      {},
      { cause: error },
    );
  return new DependencyRejectedError(`${what}: ${name}: ${message}`, {}, { cause: error });
}
