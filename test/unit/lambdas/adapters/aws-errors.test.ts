import { ERROR_NAMES, PlanInvalidError } from '../../../../core/errors';
import { awsCall, translateAwsError } from '../../../../lambdas/adapters/aws-errors';
import { sdkError } from '../fixtures';

describe('translateAwsError', () => {
  it.each([
    ['ThrottlingException', 400, ERROR_NAMES.Throttled],
    ['TooManyRequestsException', 429, ERROR_NAMES.Throttled],
    ['ProvisionedThroughputExceededException', 400, ERROR_NAMES.Throttled],
    ['ServiceNotFoundException', 400, ERROR_NAMES.ServiceNotFound],
    ['ClusterNotFoundException', 400, ERROR_NAMES.ServiceNotFound],
    ['ServerException', 500, ERROR_NAMES.Transient],
    ['InternalFailure', 503, ERROR_NAMES.Transient],
    ['ECONNRESET', 0, ERROR_NAMES.Transient],
    ['AccessDeniedException', 403, ERROR_NAMES.DependencyRejected],
    ['InvalidParameterException', 400, ERROR_NAMES.DependencyRejected],
  ])('%s (%d) -> %s', (name, status, expected) => {
    const translated = translateAwsError(sdkError(name, status), 'ecs:DescribeServices x');
    expect(translated.name).toBe(expected);
    expect(translated.message).toBe(`ecs:DescribeServices x failed: ${name}: ${name} happened`);
    expect(translated.details).toMatchObject({ call: 'ecs:DescribeServices x', awsError: name });
  });

  it('leaves our own errors alone', () => {
    const ours = new PlanInvalidError('bad');
    expect(translateAwsError(ours, 'x')).toBe(ours);
  });

  it('awsCall translates what the call throws and passes results through', async () => {
    await expect(awsCall('logs:X', async () => 7)).resolves.toBe(7);
    await expect(
      awsCall('logs:X', async () => Promise.reject(sdkError('ThrottlingException'))),
    ).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});
