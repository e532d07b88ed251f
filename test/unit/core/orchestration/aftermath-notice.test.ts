import {
  consoleUrl,
  executionEndedNotice,
  outcomeWords,
  type NoticeInput,
} from '../../../../core/orchestration/aftermath-notice';

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:alloy-rollout:run-1';
const base: NoticeInput = {
  cluster: 'temporal-dev',
  region: 'eu-west-1',
  executionArn: ARN,
  mode: 'migrate',
  status: 'ABORTED',
  error: undefined,
  cause: undefined,
  requestedBy: 'github:org/repo run 42 attempt 1',
  cleanup: { kind: 'none', reason: 'x' },
};

describe('executionEndedNotice', () => {
  it('a stopped rollout with its recovery: subject, console link and what the cleanup did', () => {
    const recovery = `${ARN.replace('run-1', 'recover-0123')}`;
    const n = executionEndedNotice({
      ...base,
      cleanup: {
        kind: 'recovery',
        reason: 'ended ABORTED holding the lock',
        recoveryArn: recovery,
        services: ['worker', 'history'],
        alreadyStarted: false,
      },
    });
    expect(n.subject).toBe('alloy-rollout temporal-dev: rollout stopped, recovery rollback started');
    expect(n.message).toContain(`Execution: ${ARN}`);
    expect(n.message).toContain(consoleUrl('eu-west-1', ARN));
    expect(n.message).toContain(`started a recovery rollback: ${recovery}`);
    expect(n.message).toContain('worker, history');
    expect(n.message).toContain('requested by github:org/repo run 42 attempt 1');
    // AWS Chatbot's custom notification form of the same.
    expect(n.chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: n.subject },
      metadata: { relatedResources: [ARN, recovery] },
    });
    expect(n.chat.content.description).toContain(recovery);
    expect(n.chat.content.nextSteps[0]).toMatch(/Follow the recovery/);
  });

  it('names the outcome from the Fail state error', () => {
    expect(outcomeWords('FAILED', 'RolledBack')).toBe('rolled back');
    expect(outcomeWords('FAILED', 'RolloutFailed')).toMatch(/people must look/);
    expect(outcomeWords('FAILED', 'RolloutRefused')).toBe('rollout refused');
    expect(outcomeWords('FAILED', 'VerifyFailed')).toMatch(/verify/);
    expect(outcomeWords('FAILED', 'States.Runtime')).toBe('rollout failed (States.Runtime)');
    expect(outcomeWords('TIMED_OUT', 'States.Timeout')).toBe('rollout timed out');
  });

  it('a long cause is cut with a pointer to the console; the subject stays within SNS limits', () => {
    const n = executionEndedNotice({
      ...base,
      cluster: `c${'x'.repeat(150)}`,
      status: 'FAILED',
      error: 'RolloutFailed',
      cause: 'y'.repeat(5000),
      cleanup: {
        kind: 'lock-released',
        reason: 'r',
        released: true,
        needsPeople: true,
        leftAsIs: ['history'],
      },
    });
    expect(n.subject.length).toBeLessThanOrEqual(100);
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(n.message).toMatch(/y{1200}\.\.\. \(full cause in the console\)/);
    expect(n.message).toContain('Services left as they were, to roll back by hand (mode rollback): history.');
  });
});
