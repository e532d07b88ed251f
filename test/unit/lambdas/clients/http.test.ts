import { DependencyRejectedError, ThrottledError, TransientError } from '../../../../core/errors';
import { joinUrl, parseJsonBody, sendHttp, trimBody } from '../../../../lambdas/clients/http';
import { refusedBaseUrl, reply, startServer, type LocalServer } from './local-server';

describe('sendHttp', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const get = (path: string, timeoutMs?: number) =>
    sendHttp(
      { method: 'GET', url: new URL(`${server!.baseUrl}${path}`), ...(timeoutMs ? { timeoutMs } : {}) },
      { dependency: 'Loki' },
    );

  it('returns the status and text of a 2xx answer, sending the headers and body given', async () => {
    server = await startServer((_req, res) => reply(res, 200, 'fine', 'text/plain'));
    const result = await sendHttp(
      {
        method: 'POST',
        url: new URL(`${server.baseUrl}/p?x=1`),
        headers: { 'X-Test': 'yes' },
        body: 'hello',
      },
      { dependency: 'Loki' },
    );
    expect(result).toMatchObject({ status: 200, text: 'fine' });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/p?x=1',
      body: 'hello',
      headers: { 'x-test': 'yes' },
    });
  });

  it.each([400, 401, 403, 404, 422])(
    'maps HTTP %p to DependencyRejectedError with method, path, status and body',
    async (status) => {
      server = await startServer((_req, res) =>
        reply(res, status, '  parse error:\n  unexpected IDENTIFIER  ', 'text/plain'),
      );
      const error = await get('/loki/api/v1/query?query=secret').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyRejectedError);
      expect((error as Error).name).toBe('DependencyRejectedError');
      expect((error as Error).message).toBe(
        `Loki answered GET /loki/api/v1/query with HTTP ${status}: parse error: unexpected IDENTIFIER`,
      );
      expect((error as DependencyRejectedError).details).toMatchObject({
        status,
        path: '/loki/api/v1/query',
        method: 'GET',
      });
    },
  );

  it('maps 429 to ThrottledError and 5xx to TransientError', async () => {
    server = await startServer((req, res) =>
      reply(res, req.url === '/slow-down' ? 429 : 503, 'busy', 'text/plain'),
    );
    await expect(get('/slow-down')).rejects.toThrow(ThrottledError);
    await expect(get('/down')).rejects.toThrow(TransientError);
    await expect(get('/down')).rejects.toThrow('Loki answered GET /down with HTTP 503: busy');
  });

  it('maps a timeout to TransientError', async () => {
    server = await startServer(() => {
      // Never answer: the client's timeout must fire.
    });
    const error = await get('/hang', 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe('Loki did not answer GET /hang within 50 ms');
  });

  it('maps a refused connection to TransientError naming the code', async () => {
    const baseUrl = await refusedBaseUrl();
    const error = await sendHttp(
      { method: 'GET', url: new URL(`${baseUrl}/ready`) },
      { dependency: 'Loki' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/^Loki could not be reached for GET \/ready: ECONNREFUSED/);
  });

  it('uses the error body description and trims long bodies', async () => {
    server = await startServer((_req, res) => reply(res, 400, 'x'.repeat(2000), 'text/plain'));
    const error = (await sendHttp(
      { method: 'GET', url: new URL(`${server.baseUrl}/q`) },
      { dependency: 'AMP', describeErrorBody: (text) => `described ${text.length}` },
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('AMP answered GET /q with HTTP 400: described 2000');
    expect(trimBody('y'.repeat(600))).toHaveLength(503);
  });
});

describe('parseJsonBody', () => {
  it('names the call when the body is not JSON', () => {
    const call = { method: 'GET' as const, url: new URL('http://h/x') };
    expect(() =>
      parseJsonBody({ status: 200, headers: new Headers(), text: '<html>' }, call, 'Loki'),
    ).toThrow('Loki answered GET /x with a body that is not JSON: <html>');
    expect(parseJsonBody({ status: 200, headers: new Headers(), text: '{"a":1}' }, call, 'Loki')).toEqual({
      a: 1,
    });
  });
});

describe('joinUrl', () => {
  it.each([
    ['http://loki:3100', '/ready', 'http://loki:3100/ready'],
    ['http://loki:3100/', '/ready', 'http://loki:3100/ready'],
    [
      'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/',
      '/api/v1/query',
      'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query',
    ],
    ['http://prom:9090/prefix?x=1', 'api/v1/query', 'http://prom:9090/prefix/api/v1/query'],
  ])('%s + %s', (base, path, expected) => {
    expect(joinUrl(base, path).toString()).toBe(expected);
  });
});
