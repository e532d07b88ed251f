import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmpClient } from '../../../../lambdas/clients/amp';
import { SimClock } from '../../../../sandbox/clock';
import { createAmpProxy, type AmpProxyOptions } from '../../../../sandbox/prometheus/amp-proxy';
import { listen } from '../../../../sandbox/server';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, '26'] }] },
});

/** A stand-in Prometheus: records each request and answers a one-sample vector. */
async function fakePrometheus(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'prometheus' });
      res.end(VECTOR);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const WORKSPACE = 'ws-0a1b2c3d';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('AMP stand-in in front of Prometheus', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(
    backendUrl: string | undefined,
    intercept?: AmpProxyOptions['intercept'],
    time?: AmpProxyOptions['time'],
  ): Promise<string> {
    const route = createAmpProxy({
      workspaceId: WORKSPACE,
      backendUrl: () => backendUrl,
      ...(intercept ? { intercept } : {}),
      ...(time ? { time } : {}),
    });
    const http = await listen(0, [], [route]);
    cleanups.push(() => http.close());
    return `http://127.0.0.1:${http.port}`;
  }

  async function backend(): Promise<{ url: string; seen: Seen[] }> {
    const prom = await fakePrometheus();
    cleanups.push(() => closeServer(prom.server));
    return prom;
  }

  it("forwards the product's signed query to Prometheus' path and returns its answer unchanged", async () => {
    const prom = await backend();
    const base = await start(prom.url);
    const res = await fetch(`${base}/workspaces/${WORKSPACE}/api/v1/query?dedup=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 x' },
      body: 'query=up',
    });
    expect([res.status, res.headers.get('x-backend'), await res.text()]).toEqual([200, 'prometheus', VECTOR]);
    expect(prom.seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/api/v1/query?dedup=true',
        body: 'query=up',
        headers: expect.objectContaining({ authorization: 'AWS4-HMAC-SHA256 x' }) as unknown,
      }),
    ]);
  });

  it('serves the AMP client the product uses, SigV4 headers and all', async () => {
    const prom = await backend();
    const base = await start(prom.url);
    const amp = createAmpClient({
      baseUrl: `${base}/workspaces/${WORKSPACE}`,
      region: 'eu-west-1',
      credentials,
    });
    const data = await amp.query('count({service_name="history"})');
    expect(data).toEqual({
      resultType: 'vector',
      samples: [{ labels: {}, timestampMs: 1700000000000, value: 26 }],
    });
    expect(prom.seen[0]?.headers).toEqual(
      expect.objectContaining({
        'x-amz-date': expect.any(String) as unknown,
        authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 /) as unknown,
      }),
    );
  });

  it("answers an intercepted query with Prometheus' error body, in the URL or the form, without asking Prometheus", async () => {
    const prom = await backend();
    const base = await start(prom.url, (query) =>
      query === 'count(up)' ? { status: 422, errorType: 'execution', error: 'too many samples' } : null,
    );
    const get = await fetch(`${base}/workspaces/${WORKSPACE}/api/v1/query?query=count(up)`);
    expect([get.status, get.headers.get('content-type'), await get.json()]).toEqual([
      422,
      'application/json',
      { status: 'error', errorType: 'execution', error: 'too many samples' },
    ]);
    const amp = createAmpClient({
      baseUrl: `${base}/workspaces/${WORKSPACE}`,
      region: 'eu-west-1',
      credentials,
    });
    await expect(amp.query('count(up)')).rejects.toMatchObject({
      name: 'DependencyRejectedError',
      message: expect.stringContaining('HTTP 422: execution: too many samples') as unknown,
    });
    await expect(amp.query('up')).resolves.toMatchObject({ resultType: 'vector' });
    expect(prom.seen.map((s) => s.body)).toEqual(['query=up']);
  });

  it("maps AMP's remote_write path onto Prometheus' receiver", async () => {
    const prom = await backend();
    const base = await start(prom.url);
    const res = await fetch(`${base}/workspaces/${WORKSPACE}/api/v1/remote_write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      body: new Uint8Array([0xff, 0x06, 0x00]),
    });
    await res.arrayBuffer();
    expect(prom.seen.map((s) => [s.method, s.url, s.headers['content-encoding']])).toEqual([
      ['POST', '/api/v1/write', 'snappy'],
    ]);
  });

  it('leaves other paths and workspaces to the next route, and answers 502 when Prometheus is gone', async () => {
    const prom = await backend();
    const base = await start(prom.url);
    expect((await fetch(`${base}/workspaces/ws-other/api/v1/query?query=up`)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/query?query=up`)).status).toBe(404);
    expect(prom.seen).toEqual([]);

    const none = await start(undefined);
    expect((await fetch(`${none}/workspaces/${WORKSPACE}/api/v1/query?query=up`)).status).toBe(404);

    const gone = await fakePrometheus();
    await closeServer(gone.server);
    const orphan = await start(gone.url);
    const res = await fetch(`${orphan}/workspaces/${WORKSPACE}/api/v1/query?query=up`);
    expect([res.status, await res.text()]).toEqual([
      502,
      expect.stringMatching(/^502 Bad Gateway: .*ECONNREFUSED/) as unknown,
    ]);
  });

  it("asks Prometheus about a simulated instant's real time and stamps the answer with the instant asked", async () => {
    // Prometheus stamps an instant query's samples with the time it was asked for: echo it back.
    const seen: string[] = [];
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        seen.push(form.toString());
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [Number(form.get('time')), '3'] }] },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => closeServer(echo));
    const anchor = Date.now() - 10_000;
    const clock = new SimClock({ speed: 60, anchor });
    cleanups.push(() => Promise.resolve(clock.stop()));
    const base = await start(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`, undefined, clock);
    const amp = createAmpClient({
      baseUrl: `${base}/workspaces/${WORKSPACE}`,
      region: 'eu-west-1',
      credentials,
    });

    const asked = anchor + 60_000 * 5 + 7;
    const data = await amp.query('count(up)', asked);

    expect(data).toEqual({ resultType: 'vector', samples: [{ labels: {}, timestampMs: asked, value: 3 }] });
    expect(new URLSearchParams(seen[0]).get('time')).toBe(((anchor + 5_000) / 1000).toFixed(3));
  });
});
