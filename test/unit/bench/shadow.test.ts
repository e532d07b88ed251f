import type { RehearsalRecord } from '../../../bench/rehearsal';
import { shadowCost } from '../../../bench/shadow';

const T = Date.UTC(2026, 11, 3, 12, 0, 0);
let id = 0;
const event = (atS: number, type: string, stateName?: string, data?: unknown) => ({
  id: (id += 1),
  timestampMs: T + atS * 1000,
  type,
  ...(stateName ? { stateName } : {}),
  ...(data !== undefined ? { data: JSON.stringify(data) } : {}),
});

const check = {
  name: 'shadow',
  verdict: 'passed',
  evidence: {
    threshold:
      'Loki lines >= 0.999 x CloudWatch events for every task and main container, over 300s ending at least 30s before the count',
    values: {
      totals: { cloudwatch: 240, loki: 240, completeness: 1 },
      streams: [{}, {}],
      requests: { cloudwatch: 1, loki: 1 },
    },
  },
};

function record(): RehearsalRecord {
  const child = {
    executionArn: 'child-1',
    parentArn: 'parent',
    startMs: T,
    stopMs: T + 600_000,
    status: 'SUCCEEDED',
    events: [
      event(0, 'ExecutionStarted', undefined, {
        mode: 'service-migrate',
        service: { name: 'worker', ecsService: 'w' },
      }),
      event(1, 'TaskStateEntered', 'Register'),
      event(2, 'ChoiceStateEntered', 'ShadowRoute'),
      event(3, 'TaskStateEntered', 'UpdateServiceShadow'),
      event(4, 'TaskStateEntered', 'VerifyShadow'),
      event(5, 'ChoiceStateEntered', 'ShadowDone'),
      event(300, 'TaskStateEntered', 'VerifyShadow'),
      event(301, 'TaskStateExited', 'VerifyShadow', { shadowVerify: { check } }),
      event(302, 'ChoiceStateEntered', 'ShadowDone'),
      event(303, 'TaskStateEntered', 'UpdateService'),
    ],
  };
  const parent = {
    executionArn: 'parent',
    startMs: T,
    stopMs: T + 600_000,
    status: 'SUCCEEDED',
    events: [event(0, 'ExecutionStarted', undefined, { mode: 'migrate' })],
  };
  return {
    clockSpeed: 1,
    executions: [parent, child],
    requests: [
      { atMs: T + 4000, operation: 'ECS.DescribeServices', origin: undefined },
      { atMs: T + 300_000, operation: 'Logs_20140328.FilterLogEvents', origin: undefined },
      { atMs: T + 300_000, operation: 'HTTP /loki/api/v1/query', origin: undefined },
      { atMs: T + 300_000, operation: 'HTTP /loki/api/v1/query', origin: 'bench' },
      { atMs: T + 400_000, operation: 'ECS.DescribeServices', origin: undefined },
    ],
  } as unknown as RehearsalRecord;
}

describe('shadowCost', () => {
  it('measures the span from the shadow update to the final update, its states, calls and duplicated lines', () => {
    expect(shadowCost(record())).toEqual([
      {
        service: 'worker',
        addedSeconds: 300,
        stateTransitions: 6,
        lambdaInvocations: 3,
        productRequests: 3,
        awsApiCalls: 2,
        cloudWatchLogsCalls: 1,
        httpQueries: 1,
        lastCount: {
          windowSeconds: 300,
          streams: 2,
          totals: { cloudwatch: 240, loki: 240, completeness: 1 },
          requests: { cloudwatch: 1, loki: 1 },
        },
        duplicateLines: 240,
      },
    ]);
  });
});
