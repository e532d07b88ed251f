import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createLokiHandler, type LokiFaults } from '../../../../sandbox/loki/http/handler';
import { LokiStore } from '../../../../sandbox/loki/store';

const NOW = 1_700_000_000_000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

interface Running {
  base: string;
  server: Server;
}

async function serve(store: LokiStore, faults?: LokiFaults): Promise<Running> {
  const handler = createLokiHandler(store, faults ? { faults, now: () => NOW } : { now: () => NOW });
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(418);
        res.end('not loki');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  running.server.closeAllConnections();
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
}

function push(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const sample = {
  streams: [
    {
      stream: { service_name: 'history', task_id: 't1' },
      values: [
        [ns(NOW - 30_000), '{"level":"info","msg":"one"}'],
        [ns(NOW - 20_000), '{"level":"error","msg":"two"}'],
      ],
    },
    {
      stream: { service_name: 'frontend', task_id: 't2' },
      values: [[ns(NOW - 10_000), '{"level":"info","msg":"three"}']],
    },
  ],
};

describe('Loki HTTP API', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await stop(running);
    running = undefined;
  });

  it("accepts a JSON push with 204 and returns it from query_range in Loki's shape", async () => {
    running = await serve(new LokiStore({ now: () => NOW }));
    expect((await push(running.base, sample)).status).toBe(204);
    const params = new URLSearchParams({
      query: '{service_name="history"} | json | level="error"',
      start: String((NOW - 60_000) / 1000),
      end: ns(NOW),
      limit: '10',
    });
    const res = await fetch(`${running.base}/loki/api/v1/query_range?${params}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as {
      status: string;
      data: { resultType: string; result: unknown; stats: { summary: Record<string, number> } };
    };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('streams');
    expect(body.data.result).toEqual([
      {
        stream: { level: 'error', msg: 'two', service_name: 'history', task_id: 't1' },
        values: [[ns(NOW - 20_000), '{"level":"error","msg":"two"}']],
      },
    ]);
    expect(body.data.stats.summary).toMatchObject({ totalEntriesReturned: 1, totalLinesProcessed: 2 });
  });

  it('accepts a gzip-compressed push and a form-encoded POST query', async () => {
    running = await serve(new LokiStore({ now: () => NOW }));
    // Compressed bytes without Content-Encoding are just bad JSON.
    expect((await push(running.base, gzipSync(JSON.stringify(sample)).toString('latin1'))).status).toBe(400);
    const gz = await fetch(`${running.base}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify(sample)),
    });
    expect(gz.status).toBe(204);
    const res = await fetch(`${running.base}/loki/api/v1/query_range`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        query: 'sum(count_over_time({task_id=~"t.+"}[1m]))',
        start: ns(NOW - 60_000),
        end: ns(NOW),
        step: '60',
      }).toString(),
    });
    const body = (await res.json()) as { data: { resultType: string; result: unknown } };
    // The step at start sees nothing in its window, so it has no point (Loki never reports 0 there).
    expect(body.data).toMatchObject({
      resultType: 'matrix',
      result: [{ metric: {}, values: [[NOW / 1000, '3']] }],
    });
  });

  it("answers an instant log query with Loki's plain-text 400 and a metric one with a vector", async () => {
    running = await serve(new LokiStore({ now: () => NOW }));
    await push(running.base, sample);
    const logs = await fetch(
      `${running.base}/loki/api/v1/query?${new URLSearchParams({ query: '{service_name="history"}' })}`,
    );
    expect(logs.status).toBe(400);
    expect(logs.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await logs.text()).toBe(
      'log queries are not supported as an instant query type, please change your query to a range query type\n',
    );
    const metric = await fetch(
      `${running.base}/loki/api/v1/query?${new URLSearchParams({ query: 'sum by (service_name) (count_over_time({task_id=~".+"}[1m]))' })}`,
    );
    expect(await metric.json()).toMatchObject({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { service_name: 'frontend' }, value: [NOW / 1000, '1'] },
          { metric: { service_name: 'history' }, value: [NOW / 1000, '2'] },
        ],
      },
    });
  });

  it('answers a bad query and a bad push with 400 plain text', async () => {
    running = await serve(new LokiStore({ now: () => NOW }));
    const query = await fetch(
      `${running.base}/loki/api/v1/query_range?query=${encodeURIComponent('{a="b"')}`,
    );
    expect(query.status).toBe(400);
    expect(await query.text()).toBe('parse error at line 1, col 7: syntax error: unexpected $end\n');
    const badJson = await push(running.base, '{"streams": [');
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).toMatch(/^loghttp\.PushRequest: cannot parse JSON body/);
    const noLabels = await push(running.base, { streams: [{ stream: {}, values: [[ns(NOW), 'x']] }] });
    expect([noLabels.status, await noLabels.text()]).toEqual([
      400,
      'error at least one label pair is required per stream\n',
    ]);
    const protobuf = await push(running.base, 'x', { 'Content-Type': 'application/x-protobuf' });
    expect(protobuf.status).toBe(415);
  });

  it('lists labels, label values and series of the window', async () => {
    running = await serve(new LokiStore({ now: () => NOW }));
    await push(running.base, sample);
    const labels = await (await fetch(`${running.base}/loki/api/v1/labels`)).json();
    expect(labels).toEqual({ status: 'success', data: ['service_name', 'task_id'] });
    const values = await (await fetch(`${running.base}/loki/api/v1/label/service_name/values`)).json();
    expect(values).toEqual({ status: 'success', data: ['frontend', 'history'] });
    const filtered = await (
      await fetch(
        `${running.base}/loki/api/v1/label/task_id/values?query=${encodeURIComponent('{service_name="history"}')}`,
      )
    ).json();
    expect(filtered).toEqual({ status: 'success', data: ['t1'] });
    const series = await (
      await fetch(
        `${running.base}/loki/api/v1/series?${new URLSearchParams([['match[]', '{service_name="frontend"}']])}`,
      )
    ).json();
    expect(series).toEqual({ status: 'success', data: [{ service_name: 'frontend', task_id: 't2' }] });
    const noMatch = await fetch(`${running.base}/loki/api/v1/series`);
    expect([noMatch.status, await noMatch.text()]).toEqual([400, '0 matcher groups supplied\n']);
  });

  it('keeps tenants apart and refuses a request without X-Scope-OrgID when multi-tenant', async () => {
    running = await serve(new LokiStore({ now: () => NOW, multiTenant: true }));
    const anonymous = await push(running.base, sample);
    expect([anonymous.status, await anonymous.text()]).toEqual([401, 'no org id\n']);
    expect((await push(running.base, sample, { 'X-Scope-OrgID': 'team-a' })).status).toBe(204);
    const query = (tenant: string) =>
      fetch(`${running?.base}/loki/api/v1/query_range?query=${encodeURIComponent('{task_id="t2"}')}`, {
        headers: { 'X-Scope-OrgID': tenant },
      }).then((r) => r.json() as Promise<{ data: { result: unknown[] } }>);
    expect((await query('team-a')).data.result).toHaveLength(1);
    expect((await query('team-b')).data.result).toHaveLength(0);
  });

  it('serves /ready and the injected faults, and leaves other paths alone', async () => {
    let ready = false;
    let errors = 2;
    const faults: LokiFaults = {
      notReady: () => !ready,
      nextHttpError: (path) =>
        path === '/loki/api/v1/push' && errors-- > 0 ? { status: 429, body: 'Too Many Requests' } : null,
    };
    running = await serve(new LokiStore({ now: () => NOW }), faults);
    const notReady = await fetch(`${running.base}/ready`);
    expect([notReady.status, await notReady.text()]).toEqual([
      503,
      'Ingester not ready: waiting for 15s after being ready\n',
    ]);
    ready = true;
    const isReady = await fetch(`${running.base}/ready`);
    expect([isReady.status, await isReady.text()]).toEqual([200, 'ready\n']);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await push(running.base, sample)).status);
    expect(statuses).toEqual([429, 429, 204]);
    expect((await fetch(`${running.base}/other`)).status).toBe(418);
    expect((await fetch(`${running.base}/loki/api/v1/nope`)).status).toBe(404);
  });

  it('acknowledges a push whose stream the faults drop with 204 and stores only the others', async () => {
    const faults: LokiFaults = {
      notReady: () => false,
      nextHttpError: () => null,
      dropsPushedStream: (labels) => labels['service_name'] === 'history',
    };
    const store = new LokiStore({ now: () => NOW });
    running = await serve(store, faults);
    const res = await push(running.base, sample);
    expect([res.status, await res.text()]).toEqual([204, '']);
    expect(store.select('fake', []).map((s) => s.labels['service_name'])).toEqual(['frontend']);
    // A malformed stream is still Loki's 400, whatever the faults say.
    const bad = await push(running.base, { streams: [{ stream: 'history', values: [] }] });
    expect(bad.status).toBe(400);
  });
});
