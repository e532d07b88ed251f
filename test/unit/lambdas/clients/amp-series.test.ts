import { DependencyRejectedError, InputInvalidError } from '../../../../core/errors';
import { ampClientOn } from './amp-on-local-server';
import { serverPerTest, type Route } from './local-server';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('AMP client: the series API', () => {
  const local = serverPerTest();

  const amp = async (respond: Route) => ampClientOn(await local.start(respond), credentials);

  it('POSTs every selector as match[] with start and end to <base>/api/v1/series, signed for aps', async () => {
    const series = [
      { __name__: 'up', job: 'temporal', instance: '127.0.0.1:9090', service_name: 'history' },
      { __name__: 'service_requests', job: 'temporal', operation: 'x', service_name: 'history' },
    ];
    const client = await amp(() => ({ status: 200, body: { status: 'success', data: series } }));
    const answer = await client.series(['{service_name="history"}', 'up{job="temporal"}'], {
      start: T0 - 300_000,
      end: T0,
    });
    expect(answer).toEqual(series);
    const req = local.current.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/workspaces/ws-1234/api/v1/series');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(form.getAll('match[]')).toEqual(['{service_name="history"}', 'up{job="temporal"}']);
    expect(form.get('start')).toBe('1767268500.000');
    expect(form.get('end')).toBe('1767268800.000');
    expect(String(req.headers['authorization'])).toMatch(
      /Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request/,
    );
  });

  it('answers an empty list when no series matches', async () => {
    const client = await amp(() => ({ status: 200, body: { status: 'success', data: [] } }));
    await expect(client.series(['{service_name="none"}'], { start: T0 - 1000, end: T0 })).resolves.toEqual(
      [],
    );
  });

  it('turns an error body into a rejection that names the endpoint and the error', async () => {
    const client = await amp(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:2: parse error: unexpected "}"' },
    }));
    const call = client.series(['{'], { start: T0 - 1000, end: T0 });
    await expect(call).rejects.toBeInstanceOf(DependencyRejectedError);
    await expect(client.series(['{'], { start: T0 - 1000, end: T0 })).rejects.toThrow(/bad_data/);
  });

  it('refuses a body that is not a list of label sets', async () => {
    const client = await amp(() => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [] } },
    }));
    await expect(client.series(['{service_name="history"}'], { start: T0 - 1000, end: T0 })).rejects.toThrow(
      /AMP POST \/workspaces\/ws-1234\/api\/v1\/series answered with an unexpected body: expected \{"status":"success","data":\[\{<label>:<value>,\.\.\.\},\.\.\.\]\}/,
    );
  });

  it('needs at least one selector', async () => {
    const client = await amp(() => ({ status: 200, body: { status: 'success', data: [] } }));
    await expect(client.series([], { start: T0 - 1000, end: T0 })).rejects.toBeInstanceOf(InputInvalidError);
    expect(local.current.requests).toHaveLength(0);
  });
});
