import fc from 'fast-check';
import {
  consoleUrl,
  executionArnFor,
  executionName,
  executionNameOf,
  MAX_EXECUTION_NAME,
} from '../../action/src/execution-name';
import { ERROR_NAMES } from '../../core/errors';
import { STATE_MACHINE_ARN } from './fake-sfn';

const run = { repository: 'acme/platform', runId: '9876543210', runAttempt: 1 };
const STEP_FUNCTIONS_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('executionName', () => {
  it('names mode, run, attempt and repository', () => {
    expect(executionName(run, 'migrate')).toBe('migrate-9876543210-1-acme-platform');
  });

  it('is the same for the same attempt and differs by attempt and mode', () => {
    expect(executionName(run, 'migrate')).toBe(executionName({ ...run }, 'migrate'));
    expect(executionName({ ...run, runAttempt: 2 }, 'migrate')).not.toBe(executionName(run, 'migrate'));
    expect(executionName(run, 'rollback')).not.toBe(executionName(run, 'migrate'));
  });

  it('replaces characters Step Functions refuses', () => {
    expect(executionName({ ...run, repository: 'Acme Corp/my.repo[1]' }, 'plan')).toBe(
      'plan-9876543210-1-Acme-Corp-my-repo-1',
    );
  });

  it('cuts long repository names and keeps them apart with a hash', () => {
    const long = { ...run, repository: `acme/${'x'.repeat(120)}` };
    const other = { ...run, repository: `acme/${'x'.repeat(119)}y` };

    const name = executionName(long, 'migrate');

    expect(name).toHaveLength(MAX_EXECUTION_NAME);
    expect(name).toMatch(/^migrate-9876543210-1-acme-x+-[0-9a-f]{8}$/);
    expect(executionName(other, 'migrate')).not.toBe(name);
    expect(executionName(long, 'migrate')).toBe(name);
  });

  it('always gives a valid Step Functions name', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 200 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom('migrate', 'rollback', 'plan'),
        (owner, repo, attempt, mode) => {
          const name = executionName(
            { repository: `${owner}/${repo}`, runId: '123', runAttempt: attempt },
            mode as 'migrate',
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
