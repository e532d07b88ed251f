import { assessCloudWatch, type CloudWatchInput } from '../../../../core/verify/cloudwatch';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const group = '/ecs/temporal-dev/temporal-history';

function input(overrides: Partial<CloudWatchInput> = {}): CloudWatchInput {
  return {
    service: 'history',
    logGroups: [group],
    rollbackStartedAtMs: START,
    nowMs: START + 60_000,
    expectedTaskIds: ['arn:aws:ecs:eu-west-1:123456789012:task/temporal-dev/t1', 't2'],
    streams: {
      query: 'FilterLogEvents',
      data: [
        { logGroupName: group, logStreamName: 'ecs/temporal-history/t1', newestEventMs: START + 5_000 },
        { logGroupName: group, logStreamName: 'ecs/temporal-history/t2', newestEventMs: START + 1 },
      ],
    },
    ...overrides,
  };
}

describe('assessCloudWatch', () => {
  it('passes when every baseline task has an event after the rollback start', () => {
    const result = assessCloudWatch(input());
    expect(result.verdict).toBe('passed');
    expect(result.evidence.window).toEqual({
      start: '2026-01-01T12:00:00.000Z',
      end: '2026-01-01T12:01:00.000Z',
    });
    expect(result.evidence.values).toMatchObject({ newestEventByTask: { t1: '2026-01-01T12:00:05.000Z' } });
  });

  it('is pending while a task has only older events, no stream, or a stream in another group', () => {
    const result = assessCloudWatch(
      input({
        streams: {
          query: 'q',
          data: [
            { logGroupName: group, logStreamName: 'ecs/temporal-history/t1', newestEventMs: START },
            {
              logGroupName: '/ecs/other',
              logStreamName: 'ecs/temporal-history/t2',
              newestEventMs: START + 10,
            },
          ],
        },
      }),
    );
    expect(result.verdict).toBe('pending');
    expect(result.message).toMatch(
      /2 of 2 tasks have no CloudWatch events since the rollback started: t1, t2/,
    );
  });

  it('is pending with no streams and no tasks, error on an error', () => {
    expect(assessCloudWatch(input({ streams: { query: 'q', data: [] } })).verdict).toBe('pending');
    expect(assessCloudWatch(input({ expectedTaskIds: [] })).verdict).toBe('pending');
    expect(assessCloudWatch(input({ streams: { query: 'q', error: 'AccessDenied' } })).verdict).toBe('error');
  });
});
