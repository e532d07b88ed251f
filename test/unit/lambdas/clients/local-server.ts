import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query string, as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LocalServer {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Responder = (request: RecordedRequest, response: ServerResponse) => void;

/** A loopback HTTP server on an ephemeral port that records every request; close it in afterEach. */
export async function startServer(respond: Responder): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      respond(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** What a route answers a request: a status and a body, JSON unless `type` names another type. */
export type Route = (request: RecordedRequest) => { status: number; body: unknown; type?: string };

/** A local server (see startServer) that answers every request as the route says. */
export function startRoutedServer(route: Route): Promise<LocalServer> {
  return startServer((req, res) => {
    const { status, body, type } = route(req);
    reply(res, status, body, type);
  });
}

/**
 * Call within a describe: each test starts its local server through this (`start` answers by
 * route, `startWith` as the responder says) and it is closed after the test. `current` is the
 * server the running test started.
 */
export function serverPerTest(): {
  start(route: Route): Promise<LocalServer>;
  startWith(respond: Responder): Promise<LocalServer>;
  readonly current: LocalServer;
} {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    start: async (route) => (server = await startRoutedServer(route)),
    startWith: async (respond) => (server = await startServer(respond)),
    get current() {
      if (!server) throw new Error('this test started no local server');
      return server;
    },
  };
}

/** A base URL on which nothing listens: a server is started, its port noted, and it is closed. */
export async function refusedBaseUrl(): Promise<string> {
  const server = await startServer((_req, res) => reply(res, 200, 'x'));
  await server.close();
  return server.baseUrl;
}
