import { parseInputs, splitList } from '../../action/src/inputs';
import { ERROR_NAMES } from '../../core/errors';
import { STATE_MACHINE_ARN } from './fake-sfn';
import { EXAMPLE_PLAN, inputsFor, source } from './inputs-fixture';

const valid = { mode: 'migrate', 'state-machine-arn': STATE_MACHINE_ARN };

function problemOf(inputs: Record<string, string>, options: Parameters<typeof source>[1] = {}): Error {
  try {
    parseInputs(source(inputs, options));
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseInputs to throw');
}

describe('parseInputs', () => {
  it('reads a valid set of inputs with the defaults action.yml gives', () => {
    const inputs = inputsFor();

    expect(inputs).toMatchObject({
      mode: 'migrate',
      stateMachineArn: STATE_MACHINE_ARN,
      region: 'eu-west-1',
      planFile: 'rollout.yaml',
      wait: true,
      github: { repository: 'acme/platform', runId: '9876543210', runAttempt: 1, actor: 'octocat' },
    });
    expect(inputs.services).toBeUndefined();
    expect(inputs.phase).toBeUndefined();
    expect(inputs.timeoutMinutes).toBeUndefined();
    expect(inputs.plan.cluster).toBe('temporal-dev');
    expect(Object.isFrozen(inputs)).toBe(true);
  });

  it('keeps the plan as written for the execution, not the defaults the schema fills in', () => {
    const inputs = inputsFor();

    expect(inputs.planDocument['alloy']).not.toHaveProperty('initCpu');
    expect(inputs.plan.alloy.initCpu).toBe(16);
    expect((inputs.planDocument['phases'] as unknown[]).length).toBe(3);
  });

  it('reads services separated by commas or newlines, phase, wait, timeout and region', () => {
    const inputs = inputsFor({
      services: 'history, matching\nfrontend\n',
      phase: 'core',
      wait: 'false',
      'timeout-minutes': '45',
      'aws-region': 'eu-west-1',
    });

    expect(inputs.services).toEqual(['history', 'matching', 'frontend']);
    expect(inputs.phase).toBe('core');
    expect(inputs.wait).toBe(false);
    expect(inputs.timeoutMinutes).toBe(45);
  });

  it('reads wait-for-lock as a duration; 0 or nothing means do not wait', () => {
    expect(inputsFor({ 'wait-for-lock': '60m' }).waitForLockMs).toBe(3_600_000);
    expect(inputsFor({ 'wait-for-lock': '1h30m' }).waitForLockMs).toBe(5_400_000);
    expect(inputsFor({ 'wait-for-lock': '0' })).not.toHaveProperty('waitForLockMs');
    expect(inputsFor({})).not.toHaveProperty('waitForLockMs');
  });

  it('accepts phase "enabled" (up to the last enabled phase)', () => {
    expect(inputsFor({ phase: 'enabled' }).phase).toBe('enabled');
  });

  it('reads the plan relative to GITHUB_WORKSPACE', () => {
    const inputs = parseInputs(
      source(
        { ...valid, 'plan-file': 'deploy/plan.yml' },
        { files: { '/repo/deploy/plan.yml': EXAMPLE_PLAN } },
      ),
    );

    expect(inputs.planFile).toBe('deploy/plan.yml');
  });

  it.each([
    [{ mode: '' }, 'mode: expected one of "migrate", "rollback", "plan", "verify", got nothing'],
    [{ mode: 'deploy' }, 'mode: expected one of "migrate", "rollback", "plan", "verify", got "deploy"'],
    [{ 'state-machine-arn': '' }, 'state-machine-arn: expected a Step Functions state machine ARN'],
    [
      { 'state-machine-arn': 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:x' },
      'state-machine-arn: expected a Step Functions state machine ARN',
    ],
    [{ 'aws-region': 'Europe' }, 'aws-region: expected an AWS region such as "eu-west-1", got "Europe"'],
    [
      { 'aws-region': 'us-east-1' },
      `aws-region: "us-east-1" differs from the state machine's region "eu-west-1"`,
    ],
    [{ wait: 'yes' }, 'wait: expected true or false, got "yes"'],
    [{ 'timeout-minutes': '0' }, 'timeout-minutes: expected a number of minutes above 0'],
    [{ 'timeout-minutes': 'ten' }, 'timeout-minutes: expected a number of minutes above 0'],
    [
      { 'timeout-minutes': '100000' },
      'timeout-minutes: expected a number of minutes above 0 and at most 4320',
    ],
    [
      { services: 'history,payments' },
      'services: "payments" is not in the plan; expected names from: worker, history, matching, frontend, benchmark-worker',
    ],
    [{ services: 'history,history' }, 'services: history listed more than once'],
    [{ 'wait-for-lock': '60' }, 'wait-for-lock: expected a duration such as "30m" or "1h30m"'],
    [
      { 'wait-for-lock': '100h' },
      'wait-for-lock: expected a duration such as "30m" or "1h30m" (units ms, s, m, h; at most 72h)',
    ],
    [
      { 'wait-for-lock': '10m', wait: 'false' },
      'wait-for-lock: only applies when the Action follows the execution (wait: true)',
    ],
    [
      { phase: 'everything' },
      'phase: "everything" is not a phase of the plan; expected one of: canary, core, benchmark, enabled',
    ],
    [{ mode: 'rollback', phase: 'core' }, 'phase: only applies to modes "migrate" and "plan"'],
  ])('rejects %j with a message naming the input and what was expected', (bad, expected) => {
    const error = problemOf({ ...valid, ...bad });

    expect(error.name).toBe(ERROR_NAMES.InputInvalid);
    expect(error.message).toContain(expected);
  });

  it.each([
    [{ GITHUB_REPOSITORY: undefined }, 'GITHUB_REPOSITORY: expected "owner/name"'],
    [{ GITHUB_RUN_ID: 'abc' }, "GITHUB_RUN_ID: expected the run's number"],
    [{ GITHUB_RUN_ATTEMPT: '0' }, 'GITHUB_RUN_ATTEMPT: expected a number from 1'],
  ])('rejects a runner environment of %j', (env, expected) => {
    const error = problemOf(valid, { env });

    expect(error.message).toContain(expected);
  });

  it('lists every problem at once, including an unreadable plan', () => {
    const error = problemOf({ mode: 'nope', wait: 'maybe', 'plan-file': 'missing.yaml' });

    expect(error.name).toBe(ERROR_NAMES.InputInvalid);
    expect(error.message).toMatch(/^4 input problems:/);
    expect(error.message).toContain(
      'plan-file: cannot read "missing.yaml" (/repo/missing.yaml): no such file',
    );
  });

  it('fails on a plan that breaks the schema with PlanInvalidError naming the field', () => {
    const broken = EXAMPLE_PLAN.replace('metricsPort: 9091', 'metricsPort: 70000');

    const error = problemOf(valid, { files: { '/repo/rollout.yaml': broken } });

    expect(error.name).toBe(ERROR_NAMES.PlanInvalid);
    expect(error.message).toContain('rollout.yaml: 1 problem');
    expect(error.message).toContain('phases[2].services[0].metricsPort');
  });

  it('fails on a plan that is not YAML', () => {
    const error = problemOf(valid, { files: { '/repo/rollout.yaml': 'cluster: [unclosed' } });

    expect(error.name).toBe(ERROR_NAMES.PlanInvalid);
    expect(error.message).toContain('not valid YAML/JSON');
  });

  it('refuses phase "enabled" when the plan enables no phase', () => {
    const allDisabled = EXAMPLE_PLAN.replace(
      / {2}- name: (canary|core|benchmark)\n/g,
      '  - name: $1\n    enabled: false\n',
    );

    const error = problemOf({ ...valid, phase: 'enabled' }, { files: { '/repo/rollout.yaml': allDisabled } });

    expect(error.message).toContain('phase: "enabled" was given but the plan marks no phase as enabled');
  });
});

describe('splitList', () => {
  it('drops blanks and trims', () => {
    expect(splitList(' a ,, b\n\nc ,')).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
  });
});
