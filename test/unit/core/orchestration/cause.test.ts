import { causeText, checkForError, describeCaught } from '../../../../core/orchestration';

const compact = {
  service: 'history',
  check: 'logs',
  message: 'task abc has no lines',
  evidence: { query: 'q' },
};

describe('describeCaught', () => {
  it('reads a plain message (local runs)', () => {
    expect(describeCaught({ Error: 'LockHeldError', Cause: 'rollout arn:x already running' })).toEqual({
      error: 'LockHeldError',
      cause: {
        check: 'lock',
        message: 'rollout arn:x already running',
        evidence: { error: 'LockHeldError' },
      },
    });
  });

  it("unwraps the Lambda runtime's JSON cause", () => {
    const caught = {
      Error: 'PlanInvalidError',
      Cause: JSON.stringify({ errorType: 'PlanInvalidError', errorMessage: 'plan: 1 problem', trace: [] }),
    };
    expect(describeCaught(caught, 'worker').cause).toEqual({
      service: 'worker',
      check: 'plan',
      message: 'plan: 1 problem',
      evidence: { error: 'PlanInvalidError' },
    });
  });

  it("unwraps a child execution's failure (startExecution.sync) down to its compact cause", () => {
    const caught = {
      Error: 'States.TaskFailed',
      Cause: JSON.stringify({
        ExecutionArn: 'arn:child',
        Status: 'FAILED',
        Error: 'RolledBack',
        Cause: causeText(compact),
      }),
    };
    expect(describeCaught(caught)).toEqual({
      error: 'RolledBack',
      cause: compact,
      childExecutionArn: 'arn:child',
    });
  });

  it('keeps an unknown error readable', () => {
    expect(describeCaught({ Error: 'States.Timeout' }).cause).toEqual({
      check: 'error',
      message: 'States.Timeout',
      evidence: { error: 'States.Timeout' },
    });
  });
});

describe('checkForError', () => {
  it.each([
    ['LockHeldError', 'lock'],
    ['InputInvalidError', 'plan'],
    ['UnmigratableError', 'preflight'],
    ['ServiceNotFoundError', 'preflight'],
    ['DeploymentFailedError', 'deployment'],
    ['RolloutFailed', 'rollback'],
    ['Whatever', 'error'],
  ])('%s -> %s', (error, check) => expect(checkForError(error)).toBe(check));
});

describe('causeText', () => {
  it('is compact JSON with a stable key order', () => {
    expect(causeText({ message: 'm', check: 'c', service: 's' })).toBe(
      '{"service":"s","check":"c","message":"m"}',
    );
  });
});
