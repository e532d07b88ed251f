import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAwsJson, type AwsJsonService } from './aws/protocol';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/**
 * One HTTP server on loopback for everything the sandbox serves: AWS JSON-protocol APIs routed by
 * X-Amz-Target, then the path routes (Loki, task metrics) in order; anything else is a 404.
 */
export async function listen(
  port: number,
  services: readonly AwsJsonService[],
  routes: readonly Route[],
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (await handleAwsJson(services, req, res)) return;
        for (const route of routes) if (await route(req, res)) return;
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`404 page not found: ${req.method ?? ''} ${req.url ?? ''}\n`);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${(error as Error).message}\n`);
      }
    })();
  });
  // Keep-alive sockets from SDK clients must not hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
