import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DependencyRejectedError,
  InputInvalidError,
  ThrottledError,
  TransientError,
} from '../../core/errors';
import type { LokiAuth } from './loki';

/** The one method used, so callers and tests can pass any client that sends commands. */
export type SecretsClient = Pick<SecretsManagerClient, 'send'>;

export type LokiAuthType = LokiAuth['kind'];

const SHAPE = 'JSON {"username": "...", "password": "..."} (basic) or {"token": "..."} (bearer)';

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** SDK errors become the named errors Step Functions matches on; the secret's value never enters a message. */
function translate(error: unknown, secretArn: string, what = 'the Loki credential secret'): Error {
  const name = (error as { name?: unknown } | undefined)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  const text = `reading ${what} ${secretArn} failed: ${String(name)}`;
  if (name === 'ThrottlingException' || status === 429)
    return new ThrottledError(text, { secretArn }, { cause: error });
  if (name === 'InternalServiceError' || (status !== undefined && status >= 500))
    return new TransientError(text, { secretArn }, { cause: error });
  if (status === undefined && !(typeof name === 'string' && name.endsWith('Exception')))
    return new TransientError(text, { secretArn }, { cause: error }); // network trouble: no HTTP answer at all
  return new DependencyRejectedError(text, { secretArn }, { cause: error });
}

/**
 * Reads Loki's credentials from Secrets Manager (the plan's loki.authSecretArn). The secret is
 * JSON with username+password (basic auth) or token (bearer). `authType` is the plan's
 * loki.authType; absent means basic, as the plan schema documents, so the Lambdas and the
 * rendered Alloy config always agree on the kind.
 */
export async function loadLokiAuth(
  secretArn: string,
  client: SecretsClient,
  authType: LokiAuthType = 'basic',
): Promise<LokiAuth> {
  let secretString: string | undefined;
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = output.SecretString;
  } catch (error) {
    throw translate(error, secretArn);
  }
  if (secretString === undefined)
    throw new InputInvalidError(
      `secret ${secretArn} has no SecretString (binary secrets are not supported): expected ${SHAPE}`,
    );

  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new InputInvalidError(`secret ${secretArn} is not JSON: expected ${SHAPE}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputInvalidError(`secret ${secretArn} is not a JSON object: expected ${SHAPE}`);

  const record = parsed as Record<string, unknown>;
  const { username, password, token } = record;
  if (authType === 'basic' && nonEmptyString(username) && nonEmptyString(password))
    return { kind: 'basic', username, password };
  if (authType === 'bearer' && nonEmptyString(token)) return { kind: 'bearer', token };

  const keys = Object.keys(record).sort().join(', ') || 'none';
  const expected =
    authType === 'basic'
      ? 'non-empty "username" and "password" for loki.authType basic' +
        (nonEmptyString(token) ? ' (for a token, set loki.authType: bearer in the plan)' : '')
      : 'a non-empty "token" for loki.authType bearer';
  throw new InputInvalidError(`secret ${secretArn} has keys [${keys}]: expected ${expected}`);
}

const GRAFANA_SHAPE = 'a Grafana service-account token: JSON {"token": "..."} or the token as plain text';

/**
 * Reads the Grafana service-account token (the plan's grafana.tokenSecretArn): a JSON object with a
 * non-empty "token", or the token itself as the whole SecretString (what `aws secretsmanager
 * create-secret --secret-string glsa_...` stores).
 */
export async function loadGrafanaToken(secretArn: string, client: SecretsClient): Promise<string> {
  let secretString: string | undefined;
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = output.SecretString;
  } catch (error) {
    throw translate(error, secretArn, 'the Grafana token secret');
  }
  const text = secretString?.trim() ?? '';
  if (text === '')
    throw new InputInvalidError(
      `secret ${secretArn} has no SecretString (or an empty one): expected ${GRAFANA_SHAPE}`,
    );
  if (!text.startsWith('{')) {
    if (/\s/.test(text))
      throw new InputInvalidError(`secret ${secretArn} holds text with spaces: expected ${GRAFANA_SHAPE}`);
    return text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputInvalidError(
      `secret ${secretArn} starts with "{" but is not JSON: expected ${GRAFANA_SHAPE}`,
    );
  }
  const token = (parsed as { token?: unknown } | null)?.token;
  if (nonEmptyString(token)) return token;
  const keys =
    Object.keys((parsed ?? {}) as object)
      .sort()
      .join(', ') || 'none';
  throw new InputInvalidError(`secret ${secretArn} has keys [${keys}]: expected ${GRAFANA_SHAPE}`);
}
