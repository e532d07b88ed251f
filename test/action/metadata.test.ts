import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INPUT } from '../../action/src/inputs';
import { OUTPUT } from '../../action/src/run-rollout';
import { REPO_ROOT } from './inputs-fixture';

interface Metadata {
  description: string;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string }>;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { steps: Step[] }>;
}

const metadata = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Metadata;
const workflowDir = join(REPO_ROOT, 'examples', 'workflows');
const workflows = readdirSync(workflowDir)
  .filter((f) => f.endsWith('.yml'))
  .map((file) => [file, parse(readFileSync(join(workflowDir, file), 'utf8')) as Workflow] as const);

/** The rows of the markdown table whose header row starts with `| <first> |`, as trimmed cells. */
function tableRows(markdown: string, first: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^\\| ${first} +\\|`).test(line));
  if (start < 0) throw new Error(`no table headed "${first}" in action/README.md`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|')),
    );
  }
  return rows;
}

/** A table cell's value: `code` unwrapped, "—" for nothing. */
const value = (cell: string | undefined) => (cell === '—' ? '' : (cell ?? '').replace(/^`(.*)`$/, '$1'));

describe('action.yml', () => {
  it('has a description within the 125 characters the Marketplace shows', () => {
    expect(metadata.description.length).toBeGreaterThan(20);
    expect(metadata.description.length).toBeLessThanOrEqual(125);
  });

  it('is documented in action/README.md by an inputs table and an outputs table equal to it', () => {
    const readme = readFileSync(join(REPO_ROOT, 'action', 'README.md'), 'utf8');
    const inputs = tableRows(readme, 'Input').map(([name, required, fallback, description]) => ({
      name: value(name),
      required: required === 'yes',
      default: value(fallback),
      description,
    }));
    const outputs = tableRows(readme, 'Output').map(([name, description]) => ({
      name: value(name),
      description,
    }));

    expect(inputs).toEqual(
      Object.entries(metadata.inputs).map(([name, input]) => ({
        name,
        required: input.required === true,
        default: input.default ?? '',
        description: input.description?.trim(),
      })),
    );
    expect(outputs).toEqual(
      Object.entries(metadata.outputs).map(([name, output]) => ({
        name,
        description: output.description?.trim(),
      })),
    );
  });

  it('runs the bundle on node24 and has branding', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(metadata.branding.icon).toBeTruthy();
  });

  it('declares exactly the inputs and outputs the code reads and sets, each described', () => {
    expect(Object.keys(metadata.inputs).sort()).toEqual(Object.values(INPUT).sort());
    expect(Object.keys(metadata.outputs).sort()).toEqual(Object.values(OUTPUT).sort());
    for (const entry of [...Object.values(metadata.inputs), ...Object.values(metadata.outputs)])
      expect(entry.description?.length).toBeGreaterThan(20);
    expect(metadata.inputs['state-machine-arn']?.required).toBe(true);
    expect(metadata.inputs['plan-file']?.default).toBe('rollout.yaml');
    expect(metadata.inputs['wait']?.default).toBe('true');
  });
});

describe('example workflows', () => {
  it('are the three triggers and the scheduled audit', () => {
    expect(workflows.map(([file]) => file).sort()).toEqual([
      'migrate.yml',
      'phased-on-merge.yml',
      'rollback.yml',
      'verify.yml',
    ]);
  });

  const rollouts = workflows.filter(([file]) => file !== 'verify.yml');

  it.each(rollouts)(
    '%s asks for the least permissions, a never-cancelled concurrency group, and OIDC credentials',
    (_file, workflow) => {
      expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(workflow.concurrency['cancel-in-progress']).toBe(false);
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
      const credentials = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect(credentials?.with?.['role-to-assume']).toBeDefined();
      expect(credentials?.with).not.toHaveProperty('aws-access-key-id');
    },
  );

  it.each(workflows)('%s passes only inputs the action declares', (_file, workflow) => {
    const step = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .find((s) => s.uses?.includes('/alloy-rollout@'));
    expect(step).toBeDefined();
    for (const name of Object.keys(step?.with ?? {})) expect(Object.keys(metadata.inputs)).toContain(name);
  });

  it('gives rollback its own concurrency group, so a merge-triggered migration never cancels a pending rollback', () => {
    const group = (file: string) => workflows.find(([f]) => f === file)?.[1].concurrency.group;
    // GitHub keeps one pending run per group and cancels the older pending one when a new one arrives.
    expect(group('migrate.yml')).toBe('alloy-rollout-temporal-dev-migrate');
    expect(group('phased-on-merge.yml')).toBe(group('migrate.yml'));
    expect(group('rollback.yml')).toBe('alloy-rollout-temporal-dev-rollback');
    expect(new Set(workflows.map(([, w]) => w.concurrency.group)).size).toBe(3);
  });

  it('rollback waits for a cluster lock held by a migration instead of failing at once', () => {
    const step = workflows
      .find(([f]) => f === 'rollback.yml')?.[1]
      .jobs['rollback']?.steps.find((s) => s.uses?.includes('/alloy-rollout@'));
    expect(step?.with).toMatchObject({ mode: 'rollback', 'wait-for-lock': '60m' });
  });

  it('phased-on-merge migrates up to the enabled phase when the plan changes on main', () => {
    const workflow = workflows.find(([f]) => f === 'phased-on-merge.yml')?.[1];
    const step = workflow?.jobs['rollout']?.steps.find((s) => s.uses?.includes('/alloy-rollout@'));
    expect(workflow?.on).toEqual({ push: { branches: ['main'], paths: ['rollout.yaml'] } });
    expect(step?.with).toMatchObject({ mode: 'migrate', phase: 'enabled' });
  });

  it('verify runs read-only on a schedule and by hand, in its own concurrency group with least permissions', () => {
    const workflow = workflows.find(([f]) => f === 'verify.yml')?.[1] as Workflow & {
      on: { schedule?: { cron: string }[]; workflow_dispatch?: unknown };
    };
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \* \* \* \*$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    // Never in the rollouts' group: it neither waits for nor cancels a migration or a rollback.
    expect(workflow.concurrency).toEqual({
      group: 'alloy-rollout-verify-temporal-dev',
      'cancel-in-progress': false,
    });
    const step = workflow.jobs['verify']?.steps.find((s) => s.uses?.includes('/alloy-rollout@'));
    expect(step?.with).toMatchObject({ mode: 'verify' });
  });

  it('rollback checks a typed confirmation before any credentials are fetched, without pasting input into the script', () => {
    const steps = workflows.find(([f]) => f === 'rollback.yml')?.[1].jobs['rollback']?.steps ?? [];
    const confirmIndex = steps.findIndex((s) => s.env?.['CONFIRM'] !== undefined);
    const credentialsIndex = steps.findIndex((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(confirmIndex).toBeGreaterThanOrEqual(0);
    expect(confirmIndex).toBeLessThan(credentialsIndex);
    expect(steps[confirmIndex]?.run).not.toContain('${{');
  });
});

describe('configure-aws-credentials', () => {
  /** Every place that shows the credentials step: the READMEs and the example workflows. */
  const documents = [
    'README.md',
    join('action', 'README.md'),
    join('infra', 'README.md'),
    ...workflows.map(([file]) => join('examples', 'workflows', file)),
  ];

  it('is the same version everywhere it is shown', () => {
    const versions = documents.flatMap((file) =>
      [
        ...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(
          /aws-actions\/configure-aws-credentials@([\w.-]+)/g,
        ),
      ].map((match) => `${match[1]} (${file})`),
    );
    // Every document shows it (a missing one is not a match either).
    for (const file of documents) expect(versions.some((v) => v.endsWith(`(${file})`))).toBe(true);
    const distinct = new Set(versions.map((v) => v.split(' ')[0]));
    expect({ distinct: [...distinct], versions }).toEqual({ distinct: ['v6'], versions });
  });
});
