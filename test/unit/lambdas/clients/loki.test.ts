import { DependencyRejectedError, InputInvalidError, TransientError } from '../../../../core/errors';
import { createLokiClient, type LokiClientOptions } from '../../../../lambdas/clients/loki';
import { refusedBaseUrl, serverPerTest, type RecordedRequest, type Route } from './local-server';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const T0_NS = '1767268800000000000';

describe('Loki client', () => {
  const local = serverPerTest();

  async function client(route: Route, options: Partial<LokiClientOptions> = {}) {
    const server = await local.start(route);
    return createLokiClient({ baseUrl: `${server.baseUrl}/`, ...options });
  }
  const params = (req: RecordedRequest) => new URL(req.url, 'http://x').searchParams;

  it('sends the tenant and basic auth on every request', async () => {
    const loki = await client(() => ({ status: 200, body: { status: 'success', data: ['cluster'] } }), {
      tenant: 'team-a',
      auth: { kind: 'basic', username: 'loki', password: 'p@ss:word' },
    });
    await loki.labels();
    expect(local.current.requests[0]!.headers).toMatchObject({
      'x-scope-orgid': 'team-a',
      authorization: `Basic ${Buffer.from('loki:p@ss:word').toString('base64')}`,
    });
  });

  it('sends a bearer token and no tenant header when none is set', async () => {
    const loki = await client(() => ({ status: 200, body: { status: 'success', data: [] } }), {
      auth: { kind: 'bearer', token: 'tok' },
    });
    await loki.labels();
    expect(local.current.requests[0]!.headers['authorization']).toBe('Bearer tok');
    expect(local.current.requests[0]!.headers['x-scope-orgid']).toBeUndefined();
  });

  it('pushes JSON streams with nanosecond string timestamps', async () => {
    const loki = await client(() => ({ status: 204, body: '' }));
    await loki.push([{ stream: { source: 'alloy-rollout-canary' }, values: [[T0_NS, 'canary abc']] }]);
    const req = local.current.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/loki/api/v1/push');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      streams: [{ stream: { source: 'alloy-rollout-canary' }, values: [[T0_NS, 'canary abc']] }],
    });
  });

  it('refuses pushes Loki would reject, before sending', async () => {
    const loki = await client(() => ({ status: 204, body: '' }));
    await expect(loki.push([{ stream: { a: 'b' }, values: [['1767268800.5', 'x']] }])).rejects.toThrow(
      /push timestamp must be nanoseconds/,
    );
    await expect(loki.push([{ stream: {}, values: [[T0_NS, 'x']] }])).rejects.toThrow(InputInvalidError);
    await expect(loki.push([])).rejects.toThrow(/at least one stream/);
    expect(local.current.requests).toHaveLength(0);
  });

  it('reads log lines from query_range with the range in nanoseconds', async () => {
    const loki = await client(() => ({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [
            {
              stream: { source: 'c' },
              values: [
                [T0_NS, 'canary abc'],
                ['1767268800000000001', 'second', { trace_id: 't1' }],
              ],
            },
          ],
          stats: {},
        },
      },
    }));
    const data = await loki.queryRange('{source="c"} |= "abc"', {
      start: T0,
      end: new Date(T0 + 60_000),
      limit: 10,
      direction: 'forward',
    });
    expect(data).toEqual({
      resultType: 'streams',
      streams: [
        {
          labels: { source: 'c' },
          entries: [
            { timestampNs: T0_NS, line: 'canary abc' },
            { timestampNs: '1767268800000000001', line: 'second', metadata: { trace_id: 't1' } },
          ],
        },
      ],
    });
    const p = params(local.current.requests[0]!);
    expect(local.current.requests[0]!.url.startsWith('/loki/api/v1/query_range?')).toBe(true);
    expect(Object.fromEntries(p)).toEqual({
      query: '{source="c"} |= "abc"',
      start: T0_NS,
      end: '1767268860000000000',
      limit: '10',
      direction: 'forward',
    });
  });

  it('reads matrix results of metric queries, with exact nanosecond bounds and a step', async () => {
    const loki = await client(() => ({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { task_id: 'a' },
              values: [
                [1767268800.5, '3'],
                [1767268830, '7'],
              ],
            },
          ],
        },
      },
    }));
    const data = await loki.queryRange('sum by (task_id) (count_over_time({a="b"}[1m]))', {
      startNs: 1767268800000000123n,
      endNs: '1767268900000000000',
      stepMs: 30_000,
    });
    expect(data).toEqual({
      resultType: 'matrix',
      series: [
        {
          labels: { task_id: 'a' },
          points: [
            { timestampMs: 1767268800500, value: 3 },
            { timestampMs: 1767268830000, value: 7 },
          ],
        },
      ],
    });
    expect(Object.fromEntries(params(local.current.requests[0]!))).toMatchObject({
      start: '1767268800000000123',
      end: '1767268900000000000',
      step: '30s',
    });
  });

  it('insists on a start for query_range', async () => {
    const loki = await client(() => ({ status: 200, body: {} }));
    await expect(loki.queryRange('{a="b"}', {})).rejects.toThrow(/needs start or startNs/);
  });

  it('reads instant vectors from query', async () => {
    const loki = await client(() => ({
      status: 200,
      body: {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { task_id: 'a' }, value: [1767268800, '12'] }] },
      },
    }));
    const data = await loki.query('sum by (task_id) (count_over_time({a="b"}[5m]))', T0);
    expect(data).toEqual({
      resultType: 'vector',
      samples: [{ labels: { task_id: 'a' }, timestampMs: T0, value: 12 }],
    });
    expect(params(local.current.requests[0]!).get('time')).toBe(T0_NS);
  });

  it('keeps Loki plain-text errors, e.g. the 400 for an instant log query', async () => {
    const loki = await client(() => ({
      status: 400,
      body: 'log queries are not supported as an instant query type, please change your query to a range query type',
      type: 'text/plain; charset=utf-8',
    }));
    const error = await loki.query('{a="b"}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyRejectedError);
    expect((error as Error).message).toBe(
      'Loki answered GET /loki/api/v1/query with HTTP 400: log queries are not supported as an instant query type, please change your query to a range query type',
    );
  });

  it('refuses a success answer of the wrong shape', async () => {
    const loki = await client(() => ({
      status: 200,
      body: {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
      },
    }));
    await expect(loki.query('sum(x)')).rejects.toThrow(/sample value "abc" is not a number/);
  });

  it('lists series with repeated match[] and labels and label values', async () => {
    const loki = await client((req) =>
      req.url.startsWith('/loki/api/v1/series')
        ? {
            status: 200,
            body: { status: 'success', data: [{ cluster: 'c', service_name: 'history', task_id: 'a' }] },
          }
        : { status: 200, body: { status: 'success', data: ['a', 'b'] } },
    );
    expect(await loki.series(['{cluster="c"}', '{x="y"}'], T0, T0 + 1000)).toEqual([
      { cluster: 'c', service_name: 'history', task_id: 'a' },
    ]);
    const p = params(local.current.requests[0]!);
    expect(p.getAll('match[]')).toEqual(['{cluster="c"}', '{x="y"}']);
    expect(p.get('start')).toBe(T0_NS);
    expect(await loki.labelValues('task_id', { start: T0, query: '{cluster="c"}' })).toEqual(['a', 'b']);
    expect(local.current.requests[1]!.url).toMatch(
      /^\/loki\/api\/v1\/label\/task_id\/values\?start=1767268800000000000&query=/,
    );
    await expect(loki.labelValues('bad-name')).rejects.toThrow(InputInvalidError);
    await expect(loki.series([], T0, T0)).rejects.toThrow(InputInvalidError);
  });

  it('reports readiness, and not-ready while Loki starts', async () => {
    let ready = false;
    const loki = await client(() =>
      ready
        ? { status: 200, body: 'ready\n', type: 'text/plain' }
        : { status: 503, body: 'Ingester not ready: waiting for 15s after being ready', type: 'text/plain' },
    );
    expect(await loki.ready()).toEqual({
      ready: false,
      status: 503,
      detail: 'Loki answered GET /ready with HTTP 503: Ingester not ready: waiting for 15s after being ready',
    });
    ready = true;
    expect(await loki.ready()).toEqual({ ready: true, status: 200, detail: 'ready' });
  });

  it('is not ready when nothing listens, but throws when Loki refuses the credentials', async () => {
    const down = createLokiClient({ baseUrl: await refusedBaseUrl() });
    expect(await down.ready()).toMatchObject({ ready: false, detail: expect.stringMatching(/ECONNREFUSED/) });
    const loki = await client(() => ({ status: 401, body: 'no org id', type: 'text/plain' }));
    await expect(loki.ready()).rejects.toThrow(DependencyRejectedError);
  });

  it('maps a timeout to TransientError', async () => {
    const server = await local.startWith(() => undefined);
    const loki = createLokiClient({ baseUrl: server.baseUrl, timeoutMs: 30 });
    await expect(loki.labels()).rejects.toThrow(TransientError);
  });

  it('refuses a base URL that is not a URL', () => {
    expect(() => createLokiClient({ baseUrl: 'loki:3100 ' })).toThrow(
      /Loki URL "loki:3100 " is not an http\(s\) URL/,
    );
  });
});
