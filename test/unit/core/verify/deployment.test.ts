import { assessDeployment, taskDefinitionKey, type EcsServiceLike } from '../../../../core/verify/deployment';

const NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:8';
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:7';

function service(primary: Record<string, unknown>, others: Record<string, unknown>[] = []): EcsServiceLike {
  return {
    serviceName: 'temporal-dev-temporal-history',
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: NEW,
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        failedTasks: 0,
        ...primary,
      },
      ...others,
    ],
    events: [{ message: '(service x) has reached a steady state.' }],
  };
}

describe('assessDeployment', () => {
  it('passes on COMPLETED with the expected task definition, with counts in the evidence', () => {
    const result = assessDeployment({
      service: service({ rolloutState: 'COMPLETED' }),
      expectedTaskDefinition: NEW,
    });
    expect(result.verdict).toBe('passed');
    expect(result.message).toBe('deployment completed: 2/2 running, 0 pending, 0 failed');
    expect(result.evidence).toMatchObject({
      query: 'DescribeServices temporal-dev-temporal-history',
      values: {
        primary: { runningCount: 2, desiredCount: 2, rolloutState: 'COMPLETED' },
        recentEvents: ['(service x) has reached a steady state.'],
      },
      threshold: { rolloutState: 'COMPLETED', taskDefinition: NEW },
    });
  });

  it('fails on FAILED with the reason', () => {
    const result = assessDeployment({
      service: service({
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        failedTasks: 3,
      }),
      expectedTaskDefinition: NEW,
    });
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(
      /deployment failed: ECS deployment circuit breaker: tasks failed to start. \(2\/2 running, 0 pending, 3 failed\)/,
    );
  });

  it('waits while IN_PROGRESS', () => {
    const result = assessDeployment({
      service: service({ rolloutState: 'IN_PROGRESS', runningCount: 1 }, [
        { status: 'ACTIVE', taskDefinition: OLD, runningCount: 1 },
      ]),
      expectedTaskDefinition: NEW,
    });
    expect(result.verdict).toBe('pending');
    expect(result.evidence.values).toMatchObject({
      otherDeployments: [{ status: 'ACTIVE', taskDefinition: OLD, runningCount: 1 }],
    });
  });

  it('fails when PRIMARY runs another task definition', () => {
    const result = assessDeployment({
      service: service({ rolloutState: 'COMPLETED', taskDefinition: OLD }),
      expectedTaskDefinition: NEW,
    });
    expect(result.verdict).toBe('failed');
    expect(result.message).toMatch(/runs .*:7, expected .*:8/);
  });

  it('accepts family:revision and a bare family for the expected task definition', () => {
    expect(
      assessDeployment({
        service: service({ rolloutState: 'COMPLETED' }),
        expectedTaskDefinition: 'temporal-dev-history:8',
      }).verdict,
    ).toBe('passed');
    expect(
      assessDeployment({
        service: service({ rolloutState: 'COMPLETED' }),
        expectedTaskDefinition: 'temporal-dev-history',
      }).verdict,
    ).toBe('passed');
    expect(
      assessDeployment({
        service: service({ rolloutState: 'COMPLETED' }),
        expectedTaskDefinition: 'temporal-dev-history:9',
      }).verdict,
    ).toBe('failed');
    expect(taskDefinitionKey(NEW)).toBe('temporal-dev-history:8');
  });

  it('judges by counts when rolloutState is absent', () => {
    expect(assessDeployment({ service: service({}), expectedTaskDefinition: NEW }).verdict).toBe('passed');
    expect(
      assessDeployment({
        service: service({ runningCount: 1, pendingCount: 1 }),
        expectedTaskDefinition: NEW,
      }).verdict,
    ).toBe('pending');
    expect(
      assessDeployment({
        service: service({}, [{ status: 'ACTIVE', taskDefinition: OLD }]),
        expectedTaskDefinition: NEW,
      }).verdict,
    ).toBe('pending');
  });

  it('reports a missing service, a missing PRIMARY and an inactive service', () => {
    expect(assessDeployment({ service: undefined, expectedTaskDefinition: NEW }).verdict).toBe('error');
    expect(
      assessDeployment({
        service: { serviceName: 's', status: 'ACTIVE', deployments: [] },
        expectedTaskDefinition: NEW,
      }).verdict,
    ).toBe('error');
    const draining = assessDeployment({
      service: { ...service({ rolloutState: 'COMPLETED' }), status: 'DRAINING' },
      expectedTaskDefinition: NEW,
    });
    expect(draining.verdict).toBe('failed');
    expect(draining.message).toMatch(/is DRAINING, not ACTIVE/);
  });
});
