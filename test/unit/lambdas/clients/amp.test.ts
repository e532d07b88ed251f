import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DependencyRejectedError, TransientError } from '../../../../core/errors';
import { createAmpClient } from '../../../../lambdas/clients/amp';
import { ampClientOn } from './amp-on-local-server';
import { reply, serverPerTest, type RecordedRequest, type Route } from './local-server';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Parses `20260101T120000Z` back into the Date the client signed with. */
function amzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`bad x-amz-date ${value}`);
  return new Date(
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
}

/** Signs the request the server received with the same signer and returns the expected Authorization. */
async function expectedAuthorization(req: RecordedRequest, host: string): Promise<string> {
  const signer = new SignatureV4({ service: 'aps', region: 'eu-west-1', credentials, sha256: Sha256 });
  const [path] = req.url.split('?');
  const [hostname, port] = host.split(':');
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: hostname!,
      port: Number(port),
      path: path!,
      headers: { host, 'content-type': String(req.headers['content-type']) },
      body: req.body,
    }),
    { signingDate: amzDate(String(req.headers['x-amz-date'])) },
  );
  return signed.headers['authorization']!;
}

const vector = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [{ metric: { task_id: 'a', service_name: 'history' }, value: [1767268800, '1'] }],
  },
};

describe('AMP client', () => {
  const local = serverPerTest();

  // The workspace URL as the plan may write it, with a trailing slash.
  const amp = async (respond: Route) => ampClientOn(await local.start(respond), credentials, '/');

  it('POSTs the query form-encoded to <base>/api/v1/query, signed with SigV4 for aps', async () => {
    const client = await amp(() => ({ status: 200, body: vector }));
    const data = await client.query('up{service_name="history"}', T0);
    expect(data).toEqual({
      resultType: 'vector',
      samples: [{ labels: { task_id: 'a', service_name: 'history' }, timestampMs: T0, value: 1 }],
    });

    const req = local.current.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/workspaces/ws-1234/api/v1/query');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      query: 'up{service_name="history"}',
      time: '1767268800.000',
    });
    expect(req.headers['x-amz-security-token']).toBe('session-token');
    const authorization = String(req.headers['authorization']);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(authorization).toBe(await expectedAuthorization(req, new URL(local.current.baseUrl).host));
  });

  it('signs so that a changed body would not verify', async () => {
    const client = await amp(() => ({ status: 200, body: vector }));
    await client.query('up');
    const req = local.current.requests[0]!;
    const tampered = { ...req, body: 'query=down' };
    expect(String(req.headers['authorization'])).not.toBe(
      await expectedAuthorization(tampered, new URL(local.current.baseUrl).host),
    );
  });

  it('POSTs range queries to <base>/api/v1/query_range and parses matrix values, NaN and Inf included', async () => {
    const client = await amp(() => ({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {},
              values: [
                [1767268800, 'NaN'],
                [1767268830, '+Inf'],
                [1767268860, '2.5'],
              ],
            },
          ],
        },
      },
    }));
    const data = await client.queryRange('count({service_name="history"})', {
      start: T0,
      end: new Date(T0 + 60_000),
      stepMs: 30_000,
    });
    expect(data.resultType).toBe('matrix');
    const points = data.resultType === 'matrix' ? data.series[0]!.points.map((p) => p.value) : [];
    expect(points).toEqual([Number.NaN, Number.POSITIVE_INFINITY, 2.5]);
    const req = local.current.requests[0]!;
    expect(req.url).toBe('/workspaces/ws-1234/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      query: 'count({service_name="history"})',
      start: '1767268800.000',
      end: '1767268860.000',
      step: '30',
    });
  });

  it('reads scalar results', async () => {
    const client = await amp(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1767268800, '42'] } },
    }));
    expect(await client.query('scalar(vector(42))')).toEqual({
      resultType: 'scalar',
      point: { timestampMs: T0, value: 42 },
    });
  });

  it('turns an error body into DependencyRejectedError with errorType and error', async () => {
    const client = await amp(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:4: parse error: unexpected end of input' },
    }));
    const error = await client.query('up{').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyRejectedError);
    expect((error as Error).message).toBe(
      'AMP answered POST /workspaces/ws-1234/api/v1/query with HTTP 400: bad_data: 1:4: parse error: unexpected end of input',
    );
  });

  it('turns a 200 error body into DependencyRejectedError too', async () => {
    const client = await amp(() => ({
      status: 200,
      body: { status: 'error', errorType: 'execution', error: 'query timed out' },
    }));
    await expect(client.query('up')).rejects.toThrow(
      'AMP POST /workspaces/ws-1234/api/v1/query failed: execution: query timed out',
    );
  });

  it('keeps a non-JSON denial readable and maps 503 to TransientError', async () => {
    let status = 403;
    const client = await amp(() => ({
      status,
      body: '{"message":"User is not authorized to perform aps:QueryMetrics"}',
    }));
    await expect(client.query('up')).rejects.toThrow(
      /HTTP 403: \{"message":"User is not authorized to perform aps:QueryMetrics"\}/,
    );
    status = 503;
    await expect(client.query('up')).rejects.toThrow(TransientError);
  });

  it('uses the default credential chain when no credentials are given', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'secret-from-env',
    });
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    try {
      const server = await local.startWith((_req, res) => reply(res, 200, vector));
      await createAmpClient({ baseUrl: server.baseUrl, region: 'eu-west-1' }).query('up');
      expect(String(server.requests[0]!.headers['authorization'])).toContain('Credential=AKIDFROMENV/');
      expect(server.requests[0]!.url).toBe('/api/v1/query');
    } finally {
      process.env = saved;
    }
  });

  it('refuses a bad base URL and a zero step', async () => {
    expect(() => createAmpClient({ baseUrl: 'aps-workspaces', region: 'eu-west-1', credentials })).toThrow(
      /AMP query URL "aps-workspaces" is not an http\(s\) URL/,
    );
    const client = createAmpClient({ baseUrl: 'http://127.0.0.1:1', region: 'eu-west-1', credentials });
    await expect(client.queryRange('up', { start: T0, end: T0, stepMs: 0 })).rejects.toThrow(/step above 0/);
  });
});
