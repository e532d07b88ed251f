import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, scratchDirs } from './helpers';

jest.setTimeout(60_000);

const PLAN = join(ROOT, 'examples/plan.yaml');
const HISTORY = join(ROOT, 'examples/task-definitions/history.json');
const ALIAS_BOMB = join(ROOT, 'test/fixtures/plans/alias-bomb.yaml');
const RENDER = ['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY];
const scratch = scratchDirs();

interface Exit {
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * The real entry point in a child process of its own process group, killed as a group if it
 * outlives the timeout: a command that wrongly went on to start the sandbox leaves nothing behind.
 */
function runEntry(args: string[], cwd: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/alloy-rollout.cjs'), ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

/** Exit 2, the message on stderr, no stack trace. */
function expectBadInput(exit: Exit, message: string | RegExp): void {
  expect(exit.stderr).toMatch(message);
  expect(exit.stderr).not.toMatch(/unexpected failure|\n\s+at /);
  expect(exit.status).toBe(2);
}

describe('bad input exits 2 with what was wrong and what was expected, and changes nothing', () => {
  it('render --out under a path that is not a directory', async () => {
    const cwd = scratch();
    const exit = await runEntry([...RENDER, '--out', '/dev/null/x'], cwd);
    expectBadInput(exit, '--out /dev/null/x: cannot write there: /dev/null is not a directory');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('render --out where a file name is taken by a directory', async () => {
    const cwd = scratch();
    mkdirSync(join(cwd, 'out', 'task-definition.json'), { recursive: true });
    const exit = await runEntry([...RENDER, '--out', 'out'], cwd);
    expectBadInput(exit, `${join(cwd, 'out', 'task-definition.json')} is a directory, not a file`);
    expect(readdirSync(join(cwd, 'out'))).toEqual(['task-definition.json']);
  });

  it.each([['validate'], ['rehearse']])(
    '%s --plan with an alias bomb names the file and why',
    async (command) => {
      const cwd = scratch();
      const exit = await runEntry([command, '--plan', ALIAS_BOMB], cwd);
      expectBadInput(exit, `${ALIAS_BOMB}: 1 problem\n  - too many aliases:`);
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it('validate refuses a plan check whose LogQL returns log lines, naming the check', async () => {
    const cwd = scratch();
    const plan = readFileSync(PLAN, 'utf8').replace(
      'sum(count_over_time({service_name="$service", level="error"}[5m]))',
      `'{service_name="$service", level="error"}'`,
    );
    writeFileSync(join(cwd, 'plan.yaml'), plan);
    const exit = await runEntry(['validate', '--plan', 'plan.yaml'], cwd);
    expectBadInput(
      exit,
      'verification.checks[0].query: check "no-error-burst" is a log query, which returns log lines; ' +
        'a check compares one number with its threshold, so it must be a metric query such as sum(count_over_time(',
    );
  });

  it('rehearse --fault aimed at a service the plan does not have, before anything starts', async () => {
    const cwd = scratch();
    const exit = await runEntry(['rehearse', '--fault', 'nosuchservice:no-logs'], cwd);
    expectBadInput(
      exit,
      /fault "nosuchservice:no-logs": no service "nosuchservice" in .*examples\/plan\.yaml; expected a plan service name \(worker, history, matching, frontend, benchmark-worker\) or an ECS service name \(temporal-dev-temporal-worker, /,
    );
    // No sandbox started, no scratch or report directory made.
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('sandbox --plan --fault aimed at a service the plan does not have', async () => {
    const cwd = scratch();
    const exit = await runEntry(
      ['sandbox', '--port', '0', '--plan', PLAN, '--fault', 'histroy:no-logs', '--no-prometheus'],
      cwd,
    );
    expectBadInput(exit, /fault "histroy:no-logs": no service "histroy" in /);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([
    ['history:broken-json-after=abc', '"abc" is not a duration (a whole number and a unit'],
    ['history:no-logs-after', 'missing the duration (no-logs-after=<duration>, e.g. no-logs-after=60s)'],
    ['history:flapping', 'unknown service fault "flapping"'],
  ])('rehearse --fault %s: the spec is refused before anything starts', async (spec, why) => {
    const cwd = scratch();
    const exit = await runEntry(['rehearse', '--fault', spec], cwd);
    expectBadInput(exit, `fault "${spec}": ${why}`);
    expect(exit.stderr).toContain('expected one of: <service>:deployment-fails');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('rehearse --report where it cannot be written, before anything starts', async () => {
    const cwd = scratch();
    const exit = await runEntry(['rehearse', '--report', '/dev/null/report.json'], cwd);
    expectBadInput(exit, '--report /dev/null/report.json: cannot write there: /dev/null is not a directory');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
