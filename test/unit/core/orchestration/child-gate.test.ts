import {
  assessParentIdentity,
  assessParentLive,
  CHILD_PREFIX_NAME_CHARS,
  childNamePrefix,
  stateMachineOfExecution,
} from '../../../../core/orchestration';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout';
const PARENT = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:run-42';
const CHILD = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:run-42-1a2b3c4d-m0';

describe('childNamePrefix', () => {
  it('is the parent name and 8 hex of its ARN: the same for a retry, different for another parent', () => {
    const prefix = childNamePrefix(PARENT);
    expect(prefix).toMatch(/^run-42-[0-9a-f]{8}$/);
    expect(childNamePrefix(PARENT)).toBe(prefix);
    expect(childNamePrefix(PARENT.replace('alloy-rollout:', 'other-machine:'))).not.toBe(prefix);
  });

  it('cuts a long parent name so that the longest child name stays within 80 valid characters', () => {
    const long = `${PARENT.replace('run-42', 'a'.repeat(80))}`;
    const name = `${childNamePrefix(long)}-r999999`;
    expect(childNamePrefix(long).startsWith('a'.repeat(CHILD_PREFIX_NAME_CHARS))).toBe(true);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('replaces characters a name may not carry', () => {
    expect(childNamePrefix(PARENT.replace('run-42', 'run.42'))).toMatch(/^run_42-[0-9a-f]{8}$/);
  });
});

describe('stateMachineOfExecution', () => {
  it('gives the state machine an execution belongs to, or nothing for something else', () => {
    expect(stateMachineOfExecution(CHILD)).toBe(MACHINE);
    expect(stateMachineOfExecution('arn:aws:lambda:eu-west-1:123456789012:function:x')).toBeUndefined();
  });
});

describe('the child gate', () => {
  it('accepts a child whose parent link and parent name the same execution of its own state machine', () => {
    expect(
      assessParentIdentity({ childExecutionArn: CHILD, parentExecutionArn: PARENT, startedBy: PARENT }),
    ).toEqual({ ok: true });
  });

  it('refuses a child without the parent link, or with one that disagrees', () => {
    for (const startedBy of [
      undefined,
      'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:other',
    ])
      expect(
        assessParentIdentity({ childExecutionArn: CHILD, parentExecutionArn: PARENT, startedBy }),
      ).toMatchObject({ ok: false, condition: 'started-by-parent' });
  });

  it('refuses a parent of another state machine', () => {
    const foreign = PARENT.replace('alloy-rollout:', 'someone-elses:');
    expect(
      assessParentIdentity({ childExecutionArn: CHILD, parentExecutionArn: foreign, startedBy: foreign }),
    ).toMatchObject({
      ok: false,
      condition: 'same-state-machine',
      message: expect.stringContaining(MACHINE),
    });
  });

  it('wants the parent RUNNING and holding the cluster lock', () => {
    const live = { parentExecutionArn: PARENT, cluster: 'temporal-dev' };
    expect(assessParentLive({ ...live, parentStatus: 'RUNNING', lockOwner: PARENT })).toEqual({ ok: true });
    expect(assessParentLive({ ...live, parentStatus: 'SUCCEEDED', lockOwner: PARENT })).toMatchObject({
      ok: false,
      condition: 'parent-running',
      message: expect.stringContaining(`the parent ${PARENT} is SUCCEEDED, expected RUNNING`),
    });
    expect(assessParentLive({ ...live, parentStatus: 'RUNNING', lockOwner: undefined })).toMatchObject({
      ok: false,
      condition: 'parent-holds-lock',
      message: expect.stringContaining(
        'the lock of cluster temporal-dev is held by nobody, not by the parent',
      ),
    });
  });
});
