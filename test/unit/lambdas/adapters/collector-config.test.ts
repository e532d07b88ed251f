import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ERROR_NAMES } from '../../../../core/errors';
import type { TaskDefinitionInput } from '../../../../core/taskdef';
import { readCollectorConfig } from '../../../../lambdas/adapters/collector-config';
import { sdkError } from '../fixtures';

const PARAMETER = 'arn:aws:ssm:eu-west-1:123456789012:parameter/temporal-dev/adot/sidecar/history';
const FROM = `SSM parameter ${PARAMETER} (secret ADOT_CONFIG of "adot-collector")`;
const td = (adot: Record<string, unknown>): TaskDefinitionInput => ({
  family: 'history',
  containerDefinitions: [
    { name: 'app', image: 'temporalio/server:1.27' },
    { name: 'adot-collector', image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0', ...adot },
  ],
});
const fromSsm = td({
  command: ['--config', 'env:ADOT_CONFIG'],
  secrets: [{ name: 'ADOT_CONFIG', valueFrom: PARAMETER }],
});
const svc = { name: 'history', ecsService: 'history' };

describe('readCollectorConfig', () => {
  const ssm = mockClient(SSMClient);
  afterEach(() => ssm.reset());
  const client = () => new SSMClient({ region: 'eu-west-1' });

  it('reads the parameter the collector names, by its ARN, and decodes it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'receivers: { prometheus: {} }' } });
    await expect(readCollectorConfig(client(), fromSsm, svc)).resolves.toEqual({
      document: { receivers: { prometheus: {} } },
      from: FROM,
    });
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: PARAMETER,
      WithDecryption: true,
    });
  });

  it.each(['ParameterNotFound', 'AccessDeniedException'])(
    'turns %s into a reason migrate warns with',
    async (name) => {
      ssm.on(GetParameterCommand).rejects(sdkError(name, 400));
      await expect(readCollectorConfig(client(), fromSsm, svc)).resolves.toEqual({
        unavailable: `${FROM} could not be read (${name}: ${name} happened)`,
      });
    },
  );

  it('lets throttling fail the step, for Step Functions to retry', async () => {
    ssm.on(GetParameterCommand).rejects(sdkError('ThrottlingException', 400));
    await expect(readCollectorConfig(client(), fromSsm, svc)).rejects.toMatchObject({
      name: ERROR_NAMES.Throttled,
    });
  });

  it('decodes an inline AOT_CONFIG_CONTENT without calling SSM', async () => {
    const inline = td({ environment: [{ name: 'AOT_CONFIG_CONTENT', value: 'receivers: {}' }] });
    await expect(readCollectorConfig(client(), inline, svc)).resolves.toEqual({
      document: { receivers: {} },
      from: 'the AOT_CONFIG_CONTENT environment variable of "adot-collector"',
    });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('says when the parameter holds no YAML', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'receivers: [unclosed' } });
    await expect(readCollectorConfig(client(), fromSsm, svc)).resolves.toEqual({
      unavailable: expect.stringContaining(`${FROM} is not YAML`),
    });
  });
});
