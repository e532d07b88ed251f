import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../cli/cli';
import type { CliIo } from '../../cli/commands/types';
import { ROOT } from './support/fixtures';
import { waitFor } from './support/wait';

function captureIo(cwd = ROOT): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd,
    env: {},
    out: () => out,
    err: () => err,
  };
}

describe('alloy-rollout rehearse and sandbox: bad input exits 2 before anything starts', () => {
  it.each([
    [
      ['rehearse', '--fault', 'history:explode'],
      /fault "history:explode": unknown service fault "explode"; expected one of/,
    ],
    [['rehearse', '--fault', 'loki:http-429'], /missing the count/],
    [['rehearse', '--clock-speed', '0'], /--clock-speed: expected a positive number/],
    [['rehearse', '--plan', 'no-such-plan.yaml'], /no-such-plan\.yaml: no such file \(the plan\)/],
    [['rehearse', '--bogus'], /Unknown option '--bogus'/],
    [['sandbox', '--port', 'eighty'], /--port: expected a port number/],
    [['sandbox', '--fault', 'lock:free'], /unknown lock fault "free"/],
  ])('%j', async (argv, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('rehearse refuses a plan that fails validation, naming the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-'));
    try {
      writeFileSync(path.join(dir, 'plan.yaml'), 'cluster: temporal-dev\nregion: nowhere\n');
      const io = captureIo(dir);
      expect(await main(['rehearse', '--plan', 'plan.yaml'], io)).toBe(2);
      expect(io.err()).toMatch(/region: expected an AWS region/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rehearse refuses a plan service without a task definition file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-'));
    try {
      writeFileSync(
        path.join(dir, 'plan.yaml'),
        'cluster: c\nregion: eu-west-1\nloki: { url: "http://loki:3100" }\namp: { workspaceId: ws-1 }\nphases: [{ name: p, services: [{ name: nosuch, ecsService: nosuch }] }]\n',
      );
      const io = captureIo(dir);
      expect(await main(['rehearse', '--plan', 'plan.yaml'], io)).toBe(2);
      expect(io.err()).toMatch(/nosuch\.json: no such file \(the task definition of service "nosuch"\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help documents the fault grammar', async () => {
    for (const name of ['sandbox', 'rehearse']) {
      const io = captureIo();
      expect(await main([name, '--help'], io)).toBe(0);
      expect(io.out()).toContain('loki:http-<429|5xx>x<N>');
      expect(io.out()).toContain('<service>:missing-label=<label>');
    }
  });
});

describe('alloy-rollout sandbox as a process', () => {
  let child: ChildProcess | undefined;
  const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

  afterEach(async () => {
    // Stopped by the test even when an assertion failed.
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child?.once('exit', r));
      // The whole process group: nothing the command started may outlive the test.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      await gone;
    }
  });

  /** Starts `alloy-rollout sandbox` with these options; resolves its URL once it says Ready. */
  async function startSandboxProcess(args: string[]): Promise<{ url: string; output: () => string }> {
    // The CLI entry itself, on this Node: one process (the tsx CLI would start a second one, which
    // a signal to the first does not reach), in its own process group so cleanup can kill it all.
    const proc = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'alloy-rollout.cjs'), 'sandbox', '--port', '0', '--no-prometheus', ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    child = proc;
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const url = await waitFor(
      'the sandbox to be ready',
      () => (out.includes('Ready.') ? /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] : undefined),
      30_000,
    );
    return { url, output: () => out };
  }

  it('serves the AWS APIs on loopback until SIGTERM, then exits 0', async () => {
    const { url, output } = await startSandboxProcess(['--clock-speed', '50']);
    expect(output()).toContain(`export AWS_ENDPOINT_URL_ECS=${url}`);
    const ecs = new ECSClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: 'c1' }));
      expect((await ecs.send(new DescribeClustersCommand({ clusters: ['c1'] }))).clusters?.[0]?.status).toBe(
        'ACTIVE',
      );
    } finally {
      ecs.destroy();
    }
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('Stopping the sandbox');
  });

  it('with --plan, seeds the plan cluster and deploys the orchestrator', async () => {
    const { url } = await startSandboxProcess(['--clock-speed', '500', '--plan', 'examples/plan.yaml']);
    const ecs = new ECSClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const sfn = new SFNClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
    try {
      const services = await ecs.send(new ListServicesCommand({ cluster: 'temporal-dev' }));
      expect(services.serviceArns?.map((a) => a.split('/').at(-1)).sort()).toEqual([
        'temporal-dev-benchmark-worker',
        'temporal-dev-loki',
        'temporal-dev-temporal-frontend',
        'temporal-dev-temporal-history',
        'temporal-dev-temporal-matching',
        'temporal-dev-temporal-worker',
      ]);
      const machines = await sfn.send(new ListStateMachinesCommand({}));
      expect(machines.stateMachines?.map((m) => m.name)).toEqual(['alloy-rollout']);
    } finally {
      ecs.destroy();
      sfn.destroy();
    }
  });
});
