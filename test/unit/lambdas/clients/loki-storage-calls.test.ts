import { DependencyRejectedError } from '../../../../core/errors';
import { createLokiClient } from '../../../../lambdas/clients/loki';
import { createS3Client } from '../../../../lambdas/clients/aws-s3';
import { serverPerTest, type Route } from './local-server';

describe('Loki client: /config and /flush', () => {
  const local = serverPerTest();
  async function client(route: Route) {
    const server = await local.start(route);
    return createLokiClient({ baseUrl: server.baseUrl, tenant: 'team-a' });
  }

  it('GET /config returns the YAML text as Loki writes it, asking for text', async () => {
    const loki = await client(() => ({ status: 200, body: 'compactor:\n  retention_enabled: true\n' }));
    await expect(loki.config()).resolves.toBe('compactor:\n  retention_enabled: true\n');
    const req = local.current.requests[0]!;
    expect([req.method, req.url, req.headers['accept']]).toEqual(['GET', '/config', 'text/plain']);
  });

  it('a /config answered 404 is a DependencyRejectedError carrying the status', async () => {
    const loki = await client(() => ({ status: 404, body: '404 page not found\n' }));
    const error = await loki.config().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyRejectedError);
    expect((error as DependencyRejectedError).details).toMatchObject({ status: 404 });
  });

  it('POST /flush returns the status Loki answered', async () => {
    const loki = await client(() => ({ status: 204, body: '' }));
    await expect(loki.flush()).resolves.toEqual({ status: 204 });
    expect(local.current.requests[0]).toMatchObject({ method: 'POST', url: '/flush' });
  });
});

describe('S3 client', () => {
  it('goes path-style when an endpoint variable points it elsewhere, virtual-hosted otherwise', async () => {
    const forced = createS3Client('eu-west-1', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' });
    const plain = createS3Client('eu-west-1', {});
    expect(forced.config.forcePathStyle).toBe(true);
    expect(plain.config.forcePathStyle).toBe(false);
    expect(
      createS3Client('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).config.forcePathStyle,
    ).toBe(true);
  });
});
