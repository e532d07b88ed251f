/**
 * The sidecar's wrapper and health check are bash run by ECS inside the grafana/alloy image; here
 * they run under the machine's bash against a stand-in for /bin/alloy and a local HTTP server.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthCheck, WRAPPER_SCRIPT } from '../../../../core/taskdef/sidecar-lifecycle';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alloy-wrapper-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in Alloy: logs its arguments and each start, exits as told, and logs the TERM it gets. */
function fakeAlloy(behaviour: string): string {
  const path = join(dir, 'alloy');
  writeFileSync(
    path,
    `#!/bin/bash\nlog=${join(dir, 'log')}\necho "start $*" >> "$log"\ntrap 'echo term >> "$log"; exit 0' TERM\n${behaviour}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** The wrapper with /bin/alloy swapped for the stand-in and its minute-scale pauses scaled down. */
function runWrapper(alloy: string, drainSeconds: string) {
  const script = WRAPPER_SCRIPT.replace('/bin/alloy', alloy)
    .replace('-lt 60', '-lt 2')
    .replace('sleep 5', 'sleep 0.1');
  const child = spawn('/bin/bash', ['-c', script, 'alloy', 'run', '/etc/alloy/config.alloy'], {
    env: { ...process.env, ALLOY_DRAIN_SECONDS: drainSeconds },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

const log = () => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 20));
}

describe('the Alloy wrapper', () => {
  it('on TERM keeps Alloy running for the drain, then stops it and exits with its status', async () => {
    const alloy = fakeAlloy('while :; do sleep 0.05; done');
    const { child, exited } = runWrapper(alloy, '1');
    await until(() => {
      try {
        return log().length > 0;
      } catch {
        return false;
      }
    });
    const sentAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(900);
    expect(log()).toEqual(['start run /etc/alloy/config.alloy', 'term']);
  });

  it('retries an exit at start-up (ECS would not restart it), at most five times', async () => {
    const { exited } = runWrapper(fakeAlloy('exit 1'), '0');
    expect(await exited).toBe(1);
    expect(log()).toHaveLength(6);
  });

  it('passes a later exit on, so the ECS restart policy takes over', async () => {
    const { exited } = runWrapper(fakeAlloy('sleep 2.2; exit 3'), '0');
    expect(await exited).toBe(3);
    expect(log()).toHaveLength(1);
  });
});

describe('the health check', () => {
  let server: Server;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/-/healthy' ? status : 404);
      res.end(
        status === 200 ? 'All Alloy components are healthy.\n' : 'unhealthy components: loki.write.loki\n',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => server.close());

  async function probe(): Promise<number | null> {
    const [, shell, flag, script] = healthCheck((server.address() as AddressInfo).port).command;
    const child = spawn(shell ?? '', [flag ?? '', script ?? ''], { stdio: 'ignore' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  it('is healthy on 200 from /-/healthy and unhealthy on 500 (an unhealthy component)', async () => {
    status = 200;
    expect(await probe()).toBe(0);
    status = 500;
    expect(await probe()).not.toBe(0);
  });

  it('is unhealthy when nothing listens', async () => {
    const [, shell, flag, script] = healthCheck(1).command;
    const child = spawn(shell ?? '', [flag ?? '', script ?? ''], { stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('exit', resolve))).not.toBe(0);
  });
});
