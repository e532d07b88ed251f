import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INPUT } from '../../action/src/inputs';
import { OUTPUT } from '../../action/src/run-rollout';
import { REPO_ROOT } from './inputs-fixture';

interface Metadata {
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

describe('action.yml', () => {
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
    '%s asks for the least permissions, one concurrency group per cluster, and OIDC credentials',
    (_file, workflow) => {
      expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(workflow.concurrency).toEqual({
        group: 'alloy-rollout-temporal-dev',
        'cancel-in-progress': false,
      });
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
