import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DependencyRejectedError,
  InputInvalidError,
  ThrottledError,
  TransientError,
} from '../../../../core/errors';
import { loadLokiAuth } from '../../../../lambdas/clients/secrets';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-auth-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

describe('loadLokiAuth', () => {
  beforeEach(() => secrets.reset());
  const client = () => new SecretsManagerClient({ region: 'eu-west-1' });

  it('reads basic credentials by default (the plan default for loki.authType)', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ username: 'loki', password: 's3cret' }) });
    await expect(loadLokiAuth(ARN, client())).resolves.toEqual({
      kind: 'basic',
      username: 'loki',
      password: 's3cret',
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('reads a bearer token when the plan says bearer', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'glc_abc' }) });
    await expect(loadLokiAuth(ARN, client(), 'bearer')).resolves.toEqual({
      kind: 'bearer',
      token: 'glc_abc',
    });
  });

  it('names the keys found and what was expected, never the values', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ token: 'glc_very_secret' }) });
    const error = (await loadLokiAuth(ARN, client()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InputInvalidError);
    expect(error.message).toBe(
      `secret ${ARN} has keys [token]: expected non-empty "username" and "password" for loki.authType basic (for a token, set loki.authType: bearer in the plan)`,
    );
    expect(error.message).not.toContain('glc_very_secret');

    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ username: 'u', password: '' }) });
    await expect(loadLokiAuth(ARN, client(), 'bearer')).rejects.toThrow(
      `secret ${ARN} has keys [password, username]: expected a non-empty "token" for loki.authType bearer`,
    );
  });

  it.each([
    ['not JSON', { SecretString: 'user:pass' }, /is not JSON/],
    ['a JSON array', { SecretString: '["a"]' }, /is not a JSON object/],
    ['binary', { SecretBinary: new Uint8Array([1]) }, /has no SecretString/],
  ])('refuses a secret that is %s', async (_what, output, message) => {
    secrets.on(GetSecretValueCommand).resolves(output);
    await expect(loadLokiAuth(ARN, client())).rejects.toThrow(message);
  });

  it('translates SDK errors into the named errors', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: { httpStatusCode: 400 } }));
    await expect(loadLokiAuth(ARN, client())).rejects.toThrow(DependencyRejectedError);

    const throttled = Object.assign(new Error('slow down'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    secrets.on(GetSecretValueCommand).rejects(throttled);
    await expect(loadLokiAuth(ARN, client())).rejects.toThrow(ThrottledError);

    const internal = Object.assign(new Error('oops'), {
      name: 'InternalServiceError',
      $metadata: { httpStatusCode: 500 },
    });
    secrets.on(GetSecretValueCommand).rejects(internal);
    await expect(loadLokiAuth(ARN, client())).rejects.toThrow(TransientError);

    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(loadLokiAuth(ARN, client())).rejects.toThrow(TransientError);
  });
});
