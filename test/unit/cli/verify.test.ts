import { join } from 'node:path';
import { ROOT, runCli } from './helpers';

const PLAN = join(ROOT, 'examples/plan.yaml');
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';

describe('alloy-rollout verify', () => {
  it('is listed in --help and documents its read-only audit', async () => {
    const list = await runCli(['--help']);
    expect(list.stdout).toMatch(/verify\s+audit the migrated services read-only/);
    const help = await runCli(['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('no lock is taken, nothing is registered, deployed or written');
  });

  it('refuses missing options before anything starts, naming them', async () => {
    const run = await runCli(['verify', '--plan', PLAN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing --state-machine-arn (see: alloy-rollout verify --help)');
  });

  it('refuses a service the plan does not have and a bad ARN, each named, before any AWS call', async () => {
    const run = await runCli([
      'verify',
      '--plan',
      PLAN,
      '--state-machine-arn',
      'not-an-arn',
      '--services',
      'nope',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('state-machine-arn: expected a Step Functions state machine ARN');
    expect(run.stderr).toContain('services: "nope" is not in the plan');
  });

  it('refuses a phase the plan does not have', async () => {
    const run = await runCli(['verify', '--plan', PLAN, '--state-machine-arn', ARN, '--phase', 'nowhere']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/phase: .*nowhere/);
  });
});
