import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port by binding port 0 and closing again. Another process
 * may still take it before Prometheus binds, which is why startPrometheus retries on conflict.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the kernel gave no port'))));
    });
  });
}
