import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';

/** The real entry point, as `npx alloy-rollout` runs it (bin -> tsx -> cli/main.ts), in a child process. */
function runEntry(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/alloy-rollout.cjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/alloy-rollout.cjs', () => {
  it('--help exits 0', () => {
    const run = runEntry(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: alloy-rollout <command>');
  });

  it('sets exit code 2 on bad input, with the message and no stack trace', () => {
    const run = runEntry(['validate', '--plan', 'does-not-exist.yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('does-not-exist.yaml: no such file (the plan)');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('renders the main job to stdout with --json', () => {
    const run = runEntry([
      'render',
      '--plan',
      'examples/plan.yaml',
      '--service',
      'history',
      '--task-definition',
      'examples/task-definitions/history.json',
      '--json',
    ]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('kind', 'migrated');
  });
});
