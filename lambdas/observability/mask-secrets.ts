/**
 * Keeps credentials out of log lines, whatever a caller passes to the logger: the value of any key
 * that names a credential is replaced, and so is any string that carries an HTTP Authorization
 * value (Basic / Bearer / AWS SigV4), wherever it appears in the string.
 */
export const MASK = '****';

const SECRET_KEY = /authorization|password|secret|token|credential/i;
// "Basic <base64>", "Bearer <token>", "AWS4-HMAC-SHA256 Credential=..., Signature=...".
const AUTHORIZATION_VALUE =
  /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}|AWS4-HMAC-SHA256\s+[^"\s,]+(?:,\s*[^"\s,]+)*/g;

/** A `jsonReplacerFn` for the Powertools Logger: called for every key and value before printing. */
export function maskSecrets(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return MASK;
  if (typeof value === 'string')
    return value.replace(AUTHORIZATION_VALUE, (_match, scheme?: string) =>
      scheme ? `${scheme} ${MASK}` : `AWS4-HMAC-SHA256 ${MASK}`,
    );
  return value;
}
