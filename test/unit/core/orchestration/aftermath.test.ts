import {
  childRunsFromHistory,
  decideAftermath,
  recoveryExecutionName,
  recoveryInput,
  servicesToPutBack,
  type AftermathFacts,
  type ChildRun,
  type HistoryEventLike,
} from '../../../../core/orchestration/aftermath';
import {
  executionEndedPattern,
  executionStatusChangeSchema,
} from '../../../../core/orchestration/execution-ended-event';

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:alloy-rollout:run-1';

const scheduled = (mode: string, service: string, inputAsText = false): HistoryEventLike => {
  const input = { mode, service: { name: service, phase: 'p' }, plan: {} };
  return {
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'states',
      resource: 'startExecution.sync:2',
      parameters: JSON.stringify({
        StateMachineArn: 'sm',
        Input: inputAsText ? JSON.stringify(input) : input,
      }),
    },
  };
};
const closed = (type: 'TaskSucceeded' | 'TaskFailed' | 'TaskTimedOut'): HistoryEventLike => {
  const details = { resourceType: 'states', resource: 'startExecution.sync:2' };
  if (type === 'TaskSucceeded') return { type, taskSucceededEventDetails: details };
  if (type === 'TaskFailed') return { type, taskFailedEventDetails: details };
  return { type, taskTimedOutEventDetails: details };
};
const lambdaTask: HistoryEventLike = {
  type: 'TaskScheduled',
  taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', parameters: '{}' },
};

describe('childRunsFromHistory', () => {
  it('reads each child start with its outcome, across pages, ignoring other tasks', () => {
    const page1 = [lambdaTask, scheduled('service-migrate', 'worker'), { type: 'TaskStarted' }];
    const page2 = [closed('TaskSucceeded'), scheduled('service-migrate', 'history', true)];
    expect(childRunsFromHistory([...page1, ...page2])).toEqual([
      { service: 'worker', mode: 'service-migrate', outcome: 'succeeded' },
      { service: 'history', mode: 'service-migrate', outcome: 'running' },
    ]);
  });

  it('a retried start re-opens the service; the last attempt decides', () => {
    const events = [
      scheduled('service-migrate', 'worker'),
      closed('TaskFailed'),
      scheduled('service-migrate', 'worker'),
      closed('TaskSucceeded'),
      scheduled('service-migrate', 'history'),
      closed('TaskTimedOut'),
      scheduled('service-rollback', 'history'),
      closed('TaskFailed'),
    ];
    expect(childRunsFromHistory(events)).toEqual([
      { service: 'worker', mode: 'service-migrate', outcome: 'succeeded' },
      { service: 'history', mode: 'service-migrate', outcome: 'failed' },
      { service: 'history', mode: 'service-rollback', outcome: 'failed' },
    ]);
  });

  it('skips starts whose parameters are unreadable or name no child mode', () => {
    const bad: HistoryEventLike = {
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: 'states',
        resource: 'startExecution.sync:2',
        parameters: '{',
      },
    };
    expect(childRunsFromHistory([bad, scheduled('migrate', 'x'), closed('TaskSucceeded')])).toEqual([]);
  });
});

const parent = (mode: 'migrate' | 'rollback' | 'plan' | 'verify', extra: { recovers?: string } = {}) =>
  ({ level: 'parent', mode, requested: ['worker', 'history', 'frontend'], ...extra }) as const;
const run = (service: string, mode: ChildRun['mode'], outcome: ChildRun['outcome']): ChildRun => ({
  service,
  mode,
  outcome,
});
const facts = (over: Partial<AftermathFacts>): AftermathFacts => ({
  executionArn: ARN,
  status: 'ABORTED',
  run: parent('migrate'),
  scope: 'all',
  lockOwner: ARN,
  children: [],
  ...over,
});

describe('servicesToPutBack', () => {
  const stoppedInSecond = [
    run('worker', 'service-migrate', 'succeeded'),
    run('history', 'service-migrate', 'running'),
  ];

  it('scope all: every service a migrate child was started for', () => {
    expect(servicesToPutBack(parent('migrate'), 'all', stoppedInSecond)).toEqual(['worker', 'history']);
  });

  it('scope service: only the services whose child had not succeeded', () => {
    expect(servicesToPutBack(parent('migrate'), 'service', stoppedInSecond)).toEqual(['history']);
  });

  it('a service whose rollback child succeeded is back already; one whose rollback failed is not', () => {
    const children = [
      run('worker', 'service-migrate', 'succeeded'),
      run('history', 'service-migrate', 'failed'),
      run('history', 'service-rollback', 'succeeded'),
      run('worker', 'service-rollback', 'failed'),
    ];
    expect(servicesToPutBack(parent('migrate'), 'all', children)).toEqual(['worker']);
    expect(servicesToPutBack(parent('migrate'), 'service', children)).toEqual(['worker']);
  });

  it('a manual rollback stopped half way: the requested services it had not put back yet', () => {
    const children = [
      run('worker', 'service-rollback', 'succeeded'),
      run('history', 'service-rollback', 'running'),
    ];
    expect(servicesToPutBack(parent('rollback'), 'service', children)).toEqual(['history', 'frontend']);
  });
});

describe('decideAftermath', () => {
  it('child executions: nothing, and no notification', () => {
    expect(decideAftermath(facts({ run: { level: 'child' } }))).toMatchObject({
      action: 'none',
      notify: false,
    });
  });

  it.each(['plan', 'verify'] as const)('%s runs: nothing to clean, notified', (mode) => {
    expect(decideAftermath(facts({ run: parent(mode), status: 'FAILED' }))).toMatchObject({
      action: 'none',
      notify: true,
    });
  });

  it('a run that released the lock (ended through Finalize): nothing to clean, notified', () => {
    const d = decideAftermath(facts({ status: 'FAILED', lockOwner: undefined }));
    expect(d).toMatchObject({ action: 'none', notify: true });
    expect(d.action === 'none' && d.reason).toMatch(/released the cluster lock itself/);
  });

  it('the lock held by another run: nothing to clean, naming the holder', () => {
    const other = `${ARN}-other`;
    const d = decideAftermath(facts({ lockOwner: other }));
    expect(d.action === 'none' && d.reason).toContain(other);
  });

  it('the lock held by this run\u2019s recovery (event delivered again): nothing more', () => {
    const d = decideAftermath(facts({ lockOwner: recoveryExecutionName(ARN, true) }));
    expect(d.action === 'none' && d.reason).toMatch(/recovery already holds the lock/);
  });

  it('holding the lock with services started: one recovery of them, per scope', () => {
    const children = [
      run('worker', 'service-migrate', 'succeeded'),
      run('history', 'service-migrate', 'running'),
    ];
    expect(decideAftermath(facts({ children, status: 'TIMED_OUT' }))).toMatchObject({
      action: 'recover',
      services: ['worker', 'history'],
      notify: true,
    });
    expect(decideAftermath(facts({ children, scope: 'service' }))).toMatchObject({
      action: 'recover',
      services: ['history'],
    });
  });

  it('holding the lock with nothing to put back: release the lock', () => {
    expect(decideAftermath(facts({ children: [] }))).toMatchObject({
      action: 'release-lock',
      needsPeople: false,
      leftAsIs: [],
    });
  });

  it('a recovery that itself ended holding the lock is not recovered again: lock released, people must look', () => {
    const children = [run('history', 'service-rollback', 'running')];
    const d = decideAftermath(facts({ run: parent('rollback', { recovers: `${ARN}-0` }), children }));
    expect(d).toMatchObject({ action: 'release-lock', needsPeople: true });
    expect(d.action === 'release-lock' && d.leftAsIs).toEqual(['worker', 'history', 'frontend']);
  });
});

describe('recovery identity and input', () => {
  it('the name is derived from the stopped execution (same every delivery), a valid execution name', () => {
    const name = recoveryExecutionName(ARN);
    expect(name).toMatch(/^recover-[0-9a-f]{24}$/);
    expect(recoveryExecutionName(ARN)).toBe(name);
    expect(recoveryExecutionName(`${ARN}x`)).not.toBe(name);
    expect(recoveryExecutionName(ARN, true)).toBe(
      `arn:aws:states:eu-west-1:111122223333:execution:alloy-rollout:${name}`,
    );
  });

  it('a rollback of the services that names what it recovers', () => {
    expect(
      recoveryInput({
        plan: { cluster: 'c' },
        services: ['history'],
        stoppedExecutionArn: ARN,
        status: 'ABORTED',
      }),
    ).toEqual({
      mode: 'rollback',
      plan: { cluster: 'c' },
      services: ['history'],
      requestedBy: `alloy-rollout: recovers ${ARN} (ABORTED)`,
      recovers: ARN,
    });
  });
});

describe('the status-change event', () => {
  it('the rule pattern names this state machine and the three end states', () => {
    expect(executionEndedPattern('arn:sm')).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: ['arn:sm'], status: ['ABORTED', 'TIMED_OUT', 'FAILED'] },
    });
  });

  it('parses the documented shape, input left out included', () => {
    const event = {
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: {
        executionArn: ARN,
        stateMachineArn: 'arn:sm',
        name: 'run-1',
        status: 'ABORTED',
        startDate: 1_700_000_000_000,
        stopDate: 1_700_000_100_000,
        input: null,
        inputDetails: { included: false },
        output: null,
        outputDetails: null,
        error: null,
        cause: null,
      },
    };
    expect(executionStatusChangeSchema.parse(event).detail.status).toBe('ABORTED');
    expect(executionStatusChangeSchema.safeParse({ ...event, source: 'aws.ecs' }).success).toBe(false);
  });
});
