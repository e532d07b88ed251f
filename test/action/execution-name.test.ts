import fc from 'fast-check';
import {
  consoleUrl,
  executionArnFor,
  executionName,
  executionNameOf,
  MAX_EXECUTION_NAME,
  stepKey,
  type StepIdentity,
} from '../../action/src/execution-name';
import { ERROR_NAMES } from '../../core/errors';
import { STATE_MACHINE_ARN } from './fake-sfn';

const run = { repository: 'acme/platform', runId: '9876543210', runAttempt: 1 };
const plan = { version: 1, cluster: 'temporal-dev', region: 'eu-west-1', phases: [{ name: 'canary' }] };
const step: StepIdentity = { mode: 'migrate', planDocument: plan };
const STEP_FUNCTIONS_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('executionName', () => {
  it('names mode, run, attempt, the step key and the repository, in that order', () => {
    expect(executionName(run, step)).toBe(`migrate-9876543210-1-${stepKey(step)}-acme-platform`);
    expect(stepKey(step)).toMatch(/^[0-9a-f]{8}$/);
  });

  it('is the same for the same step of the same attempt', () => {
    expect(executionName(run, step)).toBe(executionName({ ...run }, { ...step, planDocument: { ...plan } }));
  });

  it('differs by attempt, mode, phase, services and plan', () => {
    const name = executionName(run, step);
    const others = [
      executionName({ ...run, runAttempt: 2 }, step),
      executionName(run, { ...step, mode: 'rollback' }),
      executionName(run, { ...step, phase: 'core' }),
      executionName(run, { ...step, services: ['worker'] }),
      executionName(run, { ...step, planDocument: { ...plan, cluster: 'temporal-prod' } }),
    ];
    for (const other of others) expect(other).not.toBe(name);
    expect(new Set(others).size).toBe(others.length);
  });

  it('does not depend on the order of the services or of the plan keys', () => {
    expect(executionName(run, { ...step, services: ['worker', 'history'] })).toBe(
      executionName(run, { ...step, services: ['history', 'worker'] }),
    );
    const reordered = { phases: plan.phases, region: plan.region, cluster: plan.cluster, version: 1 };
    expect(executionName(run, { ...step, planDocument: reordered })).toBe(executionName(run, step));
  });

  it('tells each start after a refusal by a held lock apart with -wN after the step key', () => {
    expect(executionName(run, step, 1)).toBe(`migrate-9876543210-1-${stepKey(step)}-w1-acme-platform`);
    expect(executionName(run, step, 2)).not.toBe(executionName(run, step, 1));
  });

  it('replaces characters Step Functions refuses', () => {
    expect(executionName({ ...run, repository: 'Acme Corp/my.repo[1]' }, { ...step, mode: 'plan' })).toBe(
      `plan-9876543210-1-${stepKey({ ...step, mode: 'plan' })}-Acme-Corp-my-repo-1`,
    );
  });

  it('cuts long repository names and keeps them apart with a hash', () => {
    const long = { ...run, repository: `acme/${'x'.repeat(120)}` };
    const other = { ...run, repository: `acme/${'x'.repeat(119)}y` };

    const name = executionName(long, step);

    expect(name).toHaveLength(MAX_EXECUTION_NAME);
    expect(name).toMatch(/^migrate-9876543210-1-[0-9a-f]{8}-acme-x+-[0-9a-f]{8}$/);
    expect(executionName(other, step)).not.toBe(name);
    expect(executionName(long, step)).toBe(name);
    expect(executionName(long, { ...step, phase: 'core' })).not.toBe(name);
  });

  it('always gives a valid Step Functions name of at most 80 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 200 }),
        fc.stringMatching(/^\d{1,30}$/),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom('migrate', 'rollback', 'plan', 'verify'),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        (owner, repo, runId, attempt, mode, services, round) => {
          const name = executionName(
            { repository: `${owner}/${repo}`, runId, runAttempt: attempt },
            { mode: mode as 'migrate', services, planDocument: plan },
            round,
          );
          expect(name).toMatch(STEP_FUNCTIONS_NAME);
        },
      ),
    );
  });
});

describe('execution ARNs and links', () => {
  it('builds the execution ARN from the state machine ARN and back', () => {
    const arn = executionArnFor(STATE_MACHINE_ARN, 'migrate-1-1-a-b');

    expect(arn).toBe('arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:migrate-1-1-a-b');
    expect(executionNameOf(arn)).toBe('migrate-1-1-a-b');
  });

  it('refuses something that is not a state machine ARN', () => {
    expect(() => executionArnFor('arn:aws:lambda:eu-west-1:123456789012:function:x', 'n')).toThrow(
      expect.objectContaining({ name: ERROR_NAMES.InputInvalid }),
    );
  });

  it('links to the execution in the Step Functions console', () => {
    expect(consoleUrl('eu-west-1', 'arn:aws:states:eu-west-1:1:execution:m:n')).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:1:execution:m:n',
    );
  });
});
