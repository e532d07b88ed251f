import { MASK, maskSecrets } from '../../../../lambdas/observability/mask-secrets';

/** JSON.stringify with the replacer, as Powertools serialises a line. */
const serialise = (value: unknown) => JSON.stringify(value, (k, v: unknown) => maskSecrets(k, v));

describe('maskSecrets (the Logger jsonReplacerFn)', () => {
  it('replaces the value of any key that names a credential, at any depth', () => {
    const text = serialise({
      authorization: 'Basic abc',
      nested: {
        lokiPassword: 'p4ss',
        apiToken: { value: 't0k' },
        clientSecret: 's3c',
        awsCredentials: ['k'],
      },
      tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
      message: 'kept',
    });
    expect(JSON.parse(text)).toEqual({
      authorization: MASK,
      nested: { lokiPassword: MASK, apiToken: MASK, clientSecret: MASK, awsCredentials: MASK },
      tokenSecretArn: MASK,
      message: 'kept',
    });
  });

  it('masks Authorization values inside strings, keeping the rest of the text', () => {
    expect(maskSecrets('message', 'sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.x to Grafana')).toBe(
      `sent Bearer ${MASK} to Grafana`,
    );
    expect(maskSecrets('m', 'Authorization: Basic YWxsb3k6cGFzc3dvcmQ=')).toBe(
      `Authorization: Basic ${MASK}`,
    );
    expect(
      maskSecrets(
        'm',
        'AWS4-HMAC-SHA256 Credential=AKIA/20261203/eu-west-1/aps/aws4_request, SignedHeaders=host, Signature=ff',
      ),
    ).toBe(`AWS4-HMAC-SHA256 ${MASK}`);
  });

  it('leaves other values alone', () => {
    expect(maskSecrets('message', 'basic checks passed')).toBe('basic checks passed');
    expect(maskSecrets('count', 3)).toBe(3);
    expect(maskSecrets('password', undefined)).toBeUndefined();
  });
});
