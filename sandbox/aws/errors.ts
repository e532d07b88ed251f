/**
 * An error answered the way AWS JSON-protocol services answer: HTTP status, `__type` and `message`.
 * The SDK turns `__type` into the exception class callers catch (e.g. ConditionalCheckFailedException).
 */
export class AwsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export const clientError = (type: string, message: string, extra: Record<string, unknown> = {}) =>
  new AwsApiError(type, message, 400, extra);

/** A required field is missing or has the wrong type, in each service's own exception name. */
export function requireString(input: Record<string, unknown>, field: string, errorType: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0)
    throw clientError(errorType, `${field} is required and must be a non-empty string`);
  return value;
}

export function optionalString(
  input: Record<string, unknown>,
  field: string,
  errorType: string,
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw clientError(errorType, `${field} must be a string`);
  return value;
}
