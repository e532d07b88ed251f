import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES, type CliCommand } from '../../../cli/commands/types';
import { ROOT, runCli, scratchDirs } from './helpers';

const PLAN = join(ROOT, 'examples/plan.yaml');
const HISTORY = join(ROOT, 'examples/task-definitions/history.json');
const scratch = scratchDirs();

describe('alloy-rollout (in process)', () => {
  it('prints the tool help listing every command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stdout).toMatch(/Usage: alloy-rollout <command>/);
    for (const name of ['validate', 'render', 'revert']) expect(run.stdout).toContain(`  ${name}`);
  });

  it.each(['validate', 'render', 'revert'])('prints the help of %s', async (name) => {
    const run = await runCli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: alloy-rollout ${name}`);
    expect((await runCli(['help', name])).stdout).toBe(run.stdout);
  });

  it.each(['rehearse', 'sandbox'])(
    'the help of %s lists the faults and says what the timed ones do',
    async (name) => {
      const run = await runCli([name, '--help']);
      expect(run.code).toBe(0);
      for (const spec of [
        '<service>:broken-json-after=<duration>',
        '<service>:no-logs-after=<duration>',
        '<service>:flapping-metrics',
      ])
        expect(run.stdout).toContain(spec);
      expect(run.stdout).toMatch(/broken-json-after, no-logs-after: good lines until <duration>/);
      expect(run.stdout).toMatch(/scrape answers for 30s, then\n\s+fails with HTTP 500 \(up=0\) for 30s/);
    },
  );

  it('exits 2 without a command or with an unknown one', async () => {
    expect((await runCli([])).code).toBe(2);
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
  });

  it('exits 1 with the message, and no stack, when a command fails unexpectedly', async () => {
    const broken: CliCommand = {
      name: 'boom',
      summary: 's',
      help: 'h',
      run: () => Promise.reject(new TypeError('kaput')),
    };
    const run = await runCli(['boom'], ROOT, [broken]);
    expect(run.code).toBe(EXIT_CODES.failure);
    expect(run.stderr).toBe('alloy-rollout boom: unexpected failure: TypeError: kaput\n');
  });
});

describe('validate', () => {
  it('accepts examples/plan.yaml with a one-line summary', async () => {
    const run = await runCli(['validate', '--plan', 'examples/plan.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'examples/plan.yaml: valid plan for cluster temporal-dev (eu-west-1), 5 services in 3 phases (canary: worker; core: history, matching, frontend; benchmark: benchmark-worker)\n',
    );
  });

  it('lists every problem with its field path and exits 2', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'bad.yaml'),
      'cluster: temporal-dev\nregion: mars\nloki: { url: ftp://x }\namp: { workspaceId: ws-1 }\nphases:\n  - name: a\n    services:\n      - { name: s, ecsService: s, metricsPort: 70000 }\n',
    );
    const run = await runCli(['validate', '--plan', 'bad.yaml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.yaml: 3 problems');
    expect(run.stderr).toContain('region: expected an AWS region');
    expect(run.stderr).toContain('loki.url: expected an http(s) URL');
    expect(run.stderr).toContain('phases[0].services[0].metricsPort:');
  });

  it.each([
    ['a missing file', ['--plan', 'nope.yaml'], 'nope.yaml: no such file (the plan)'],
    ['malformed YAML', ['--plan', 'broken.yaml'], 'broken.yaml: 1 problem'],
    ['a missing option', [], 'missing --plan'],
    ['an unknown option', ['--plan', 'x', '--fast'], "Unknown option '--fast'"],
  ])('exits 2 on %s', async (_what, args, message) => {
    const dir = scratch();
    writeFileSync(join(dir, 'broken.yaml'), 'cluster: [unclosed\n');
    const run = await runCli(['validate', ...args], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('render', () => {
  it('writes the task definition and config under ./rendered/<service>/ and prints the diff', async () => {
    const dir = scratch();
    const run = await runCli(
      ['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY],
      dir,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '~ containerDefinitions[temporal-history].logConfiguration.logDriver: "awslogs" -> "json-file"',
    );
    expect(run.stdout).toContain(
      'wrote rendered/history/task-definition.json, rendered/history/config.alloy',
    );
    const td = JSON.parse(readFileSync(join(dir, 'rendered/history/task-definition.json'), 'utf8')) as {
      containerDefinitions: { name: string }[];
    };
    expect(td.containerDefinitions.map((c) => c.name)).toEqual(['temporal-history', 'alloy-init', 'alloy']);
    expect(readFileSync(join(dir, 'rendered/history/config.alloy'), 'utf8')).toContain('loki.write');
  });

  it('--collector-config carries the ADOT scrape job into the config; without it a warning says why', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'adot.yaml'),
      'receivers:\n  prometheus:\n    config:\n      global: { scrape_interval: 15s }\n      scrape_configs:\n        - job_name: temporal\n          static_configs: [{ targets: ["localhost:9090"] }]\n',
    );
    const args = ['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY, '--json'];
    const withConfig = await runCli([...args, '--collector-config', 'adot.yaml'], dir);
    expect(withConfig.code).toBe(0);
    const rendered = JSON.parse(withConfig.stdout) as { alloyConfig: string; warnings: string[] };
    expect(rendered.alloyConfig).toContain('instance    = "localhost:9090"');
    expect(rendered.alloyConfig).toMatch(/job_name\s+= "temporal"/);
    expect(rendered.alloyConfig).toMatch(/scrape_interval\s+= "15s"/);
    expect(rendered.warnings.some((w) => w.includes("ADOT's scrape settings unknown"))).toBe(false);

    const without = JSON.parse((await runCli(args, dir)).stdout) as { warnings: string[] };
    expect(without.warnings.find((w) => w.includes("ADOT's scrape settings unknown"))).toContain(
      'parameter/temporal-dev/adot/sidecar/history (secret ADOT_CONFIG of "adot-collector") was not read',
    );
    expect((await runCli([...args, '--collector-config', 'missing.yaml'], dir)).stderr).toContain(
      'missing.yaml: no such file (the ADOT collector config)',
    );
  });

  it('--json prints one document and writes nothing', async () => {
    const dir = scratch();
    const run = await runCli(
      [
        'render',
        '--plan',
        PLAN,
        '--service',
        'worker',
        '--task-definition',
        join(ROOT, 'examples/task-definitions/worker.json'),
        '--json',
      ],
      dir,
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(['taskDefinition', 'alloyConfig', 'diff', 'warnings']),
    );
    expect(existsSync(join(dir, 'rendered'))).toBe(false);
  });

  it('notes an already-migrated definition and exits 0', async () => {
    const dir = scratch();
    await runCli(['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY], dir);
    const run = await runCli(
      [
        'render',
        '--plan',
        PLAN,
        '--service',
        'history',
        '--task-definition',
        'rendered/history/task-definition.json',
      ],
      dir,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('already migrated, nothing to render');
  });

  it.each([
    [
      'an unmigratable (Fargate) definition',
      ['--task-definition', join(ROOT, 'test/fixtures/taskdefs/cogini-foo-app-fargate.json')],
      '[fargate]',
    ],
    ['malformed JSON', ['--task-definition', 'broken.json'], 'broken.json: not valid JSON'],
    ['a wrong shape', ['--task-definition', 'shape.json'], 'shape.json: not a usable task definition'],
    [
      'an unknown service',
      ['--task-definition', HISTORY, '--service', 'nope'],
      'no service "nope" in the plan (services: worker, history',
    ],
  ])('exits 2 on %s', async (_what, args, message) => {
    const dir = scratch();
    writeFileSync(join(dir, 'broken.json'), '{"family": ');
    writeFileSync(join(dir, 'shape.json'), '{"family": "f", "containerDefinitions": {}}');
    const run = await runCli(['render', '--plan', PLAN, '--service', 'history', ...args], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('exits 2 naming the path when the output cannot be written there', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    const run = await runCli(
      ['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY, '--out', 'file/sub'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--out file/sub: cannot write there: ${join(dir, 'file')} is not a directory`,
    );
  });
});

describe('revert', () => {
  it('renders the baseline back from a rendered migration', async () => {
    const dir = scratch();
    await runCli(['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY], dir);
    const run = await runCli(
      [
        'revert',
        '--plan',
        PLAN,
        '--service',
        'history',
        '--task-definition',
        'rendered/history/task-definition.json',
        '--baseline',
        HISTORY,
        '--json',
      ],
      dir,
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      taskDefinition: { containerDefinitions: { name: string }[] };
      diff: string;
    };
    expect(doc.taskDefinition.containerDefinitions.map((c) => c.name)).toEqual([
      'temporal-history',
      'adot-collector',
    ]);
    expect(doc.diff).toContain('+ containerDefinitions[adot-collector]');
  });

  it('writes task-definition.reverted.json without --json', async () => {
    const dir = scratch();
    await runCli(['render', '--plan', PLAN, '--service', 'history', '--task-definition', HISTORY], dir);
    const run = await runCli(
      [
        'revert',
        '--plan',
        PLAN,
        '--service',
        'history',
        '--task-definition',
        'rendered/history/task-definition.json',
        '--baseline',
        HISTORY,
      ],
      dir,
    );
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'rendered/history/task-definition.reverted.json'))).toBe(true);
  });

  it('exits 2 when the current definition is neither migrated nor the baseline', async () => {
    const run = await runCli([
      'revert',
      '--plan',
      PLAN,
      '--service',
      'history',
      '--task-definition',
      join(ROOT, 'test/fixtures/taskdefs/temporal-history.json'),
      '--baseline',
      HISTORY,
      '--json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot revert task definition family "temporal-dev-temporal-history"');
  });
});
