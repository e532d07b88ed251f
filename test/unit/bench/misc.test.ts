import { deploymentsFromEvents } from '../../../bench/ecs-deployments';
import { bytesByPackage, packageOf } from '../../../bench/package-breakdown';
import { httpOperation, shortOperation } from '../../../bench/request-recorder';
import { median, ratio } from '../../../bench/stats';
import { renderTable } from '../../../bench/table';

describe('bench helpers', () => {
  it('median of odd and even samples; refuses none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no samples/);
    expect(ratio(1, 0)).toBeNull();
  });

  it('groups bundle bytes by package', () => {
    expect(packageOf('node_modules/@aws-sdk/client-ecs/dist-cjs/index.js')).toBe('@aws-sdk/client-ecs');
    expect(packageOf('node_modules/zod/v4/core.js')).toBe('zod');
    expect(packageOf('lambdas/handlers/lock.ts')).toBe('(project) lambdas');
    expect(
      bytesByPackage({
        'node_modules/zod/a.js': { bytesInOutput: 5 },
        'node_modules/zod/b.js': { bytesInOutput: 5 },
        'core/x.ts': { bytesInOutput: 7 },
        'node_modules/tslib/x.js': { bytesInOutput: 0 },
      }),
    ).toEqual([
      { package: 'zod', bytes: 10 },
      { package: '(project) core', bytes: 7 },
    ]);
  });

  it('names AWS operations and HTTP paths', () => {
    expect(shortOperation('AmazonEC2ContainerServiceV20141113.UpdateService')).toBe('ECS.UpdateService');
    expect(shortOperation('AWSStepFunctions.GetExecutionHistory')).toBe('SFN.GetExecutionHistory');
    expect(shortOperation('DynamoDB_20120810.PutItem')).toBe('DynamoDB.PutItem');
    expect(httpOperation('/loki/api/v1/query_range?query=x')).toBe('HTTP /loki/api/v1/query_range');
  });

  it('reads deployments from service events', () => {
    const events = [
      { createdAt: 30, message: '(service s) deployment ecs-svc/2 has completed.' },
      {
        createdAt: 10,
        message: '(service s) has started deployment ecs-svc/2 with task definition arn:td:2.',
      },
      {
        createdAt: 5,
        message: '(service s) has started deployment ecs-svc/1 with task definition arn:td:1.',
      },
    ];
    expect(deploymentsFromEvents('s', events)).toEqual([
      { service: 's', id: 'ecs-svc/1', taskDefinitionArn: 'arn:td:1', startedMs: 5, outcome: 'in-progress' },
      {
        service: 's',
        id: 'ecs-svc/2',
        taskDefinitionArn: 'arn:td:2',
        startedMs: 10,
        endedMs: 30,
        outcome: 'completed',
      },
    ]);
  });

  it('renders an aligned table', () => {
    expect(
      renderTable(
        ['a', 'n'],
        [
          ['x', 1],
          ['long', null],
        ],
      ),
    ).toBe(['a     n', '----  -', 'x     1', 'long  -'].join('\n'));
  });
});
