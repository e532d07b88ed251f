import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { BASELINE_TAG } from '../../../../core/taskdef';
import { handler as preflight } from '../../../../lambdas/handlers/preflight';
import { simulationAnswer, type Decide } from '../../../support/iam-simulation';
import { HISTORY_ALLOY_TD, HISTORY_TD, describedHistory, planDoc, sdkError } from '../fixtures';
import { serveFetch, useExampleCredentials, vectorAt } from './support';

const ecs = mockClient(ECSClient);
const iam = mockClient(IAMClient);
const secrets = mockClient(SecretsManagerClient);
// Preflight reads the ADOT collector's config: unanswered, it is unavailable and migrate warns.
mockClient(SSMClient);

const EXECUTION = 'arn:aws:iam::123456789012:role/temporal-dev-ecs-execution';
const TASK = 'arn:aws:iam::123456789012:role/temporal-dev-temporal-task';
const PARAMETER =
  'arn:aws:ssm:eu-west-1:123456789012:parameter/alloy-rollout/temporal-dev/history/config.alloy';
const WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-auth';
const SECRET_FULL = `${SECRET}-AbCdEf`;
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const service = {
  serviceName: 'temporal-dev-temporal-history',
  status: 'ACTIVE',
  launchType: 'EC2',
  taskDefinition: HISTORY_TD,
} as Service;
const event = (mode = 'migrate', plan: Record<string, unknown> = planDoc()) => ({
  action: 'preflight',
  executionArn: 'arn:x',
  state: { mode, plan, services: ['history'] },
});
const withSecret = () => {
  const plan = planDoc() as { loki: Record<string, unknown> };
  plan.loki = { ...plan.loki, authSecretArn: SECRET };
  return plan as Record<string, unknown>;
};
const decide = (deny: Decide) =>
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input) => simulationAnswer(input, deny));

beforeEach(() => {
  ecs.reset();
  iam.reset();
  secrets.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [service] });
  ecs.on(DescribeTaskDefinitionCommand).resolves(describedHistory() as never);
  decide(() => 'allowed');
  serveFetch((url, init) => vectorAt(url, init, [{ metric: {}, value: '120' }]));
  useExampleCredentials();
});
afterEach(() => jest.restoreAllMocks());

describe('Preflight: the roles may do what the migrated tasks need', () => {
  it('asks IAM about the config parameter for the execution role and the workspace for the task role', async () => {
    const out = await preflight(event());
    expect(out.count).toBe(1);
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: EXECUTION,
      ActionNames: ['ssm:GetParameters'],
      ResourceArns: [PARAMETER],
    });
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: TASK,
      ActionNames: ['aps:RemoteWrite'],
      ResourceArns: [WORKSPACE],
    });
    expect(secrets).not.toHaveReceivedCommand(DescribeSecretCommand);
    expect(out.progress.evidence).toMatchObject({ permissions: { checked: 2, notChecked: [] } });
  });

  it('refuses before anything changes, naming role, action and resource', async () => {
    decide((_role, action) => (action === 'aps:RemoteWrite' ? 'explicitDeny' : 'allowed'));
    await expect(preflight(event())).rejects.toMatchObject({
      name: 'UnmigratableError',
      message:
        `refused before anything changed: history: task role ${TASK} may not aps:RemoteWrite on ${WORKSPACE} ` +
        '(an explicit Deny applies): Alloy signs its remote writes to Amazon Managed Prometheus with the task role',
    });
  });

  it('checks in plan mode too (a dry run says what a real run would refuse), never for a rollback', async () => {
    decide(() => 'implicitDeny');
    await expect(preflight(event('plan'))).rejects.toMatchObject({ name: 'UnmigratableError' });
    iam.resetHistory();
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        ...describedHistory().taskDefinition,
        taskDefinitionArn: HISTORY_ALLOY_TD,
        containerDefinitions: [{ name: 'alloy', image: 'grafana/alloy:v1.18.1' }],
      },
      tags: [{ key: BASELINE_TAG, value: HISTORY_TD }],
    } as never);
    await preflight(event('rollback'));
    expect(iam).not.toHaveReceivedCommand(SimulatePrincipalPolicyCommand);
  });

  it('with a Loki secret: reads it by its full ARN and decrypts with its customer managed key, through Secrets Manager', async () => {
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET_FULL, Name: 'loki-auth', KmsKeyId: KEY });
    await preflight(event('migrate', withSecret()));
    expect(secrets).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: SECRET });
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: EXECUTION,
      ActionNames: ['secretsmanager:GetSecretValue'],
      ResourceArns: [SECRET_FULL],
    });
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: EXECUTION,
      ActionNames: ['kms:Decrypt'],
      ResourceArns: [KEY],
      ContextEntries: expect.arrayContaining([
        {
          ContextKeyName: 'kms:ViaService',
          ContextKeyValues: ['secretsmanager.eu-west-1.amazonaws.com'],
          ContextKeyType: 'string',
        },
      ]),
    });
  });

  it('a Loki secret that does not exist refuses the run', async () => {
    secrets.on(DescribeSecretCommand).rejects(sdkError('ResourceNotFoundException'));
    await expect(preflight(event('migrate', withSecret()))).rejects.toMatchObject({
      name: 'UnmigratableError',
      message: expect.stringContaining(`loki: loki.authSecretArn ${SECRET} does not exist`),
    });
  });

  it('a key alias is said to be not checked, and the run goes on', async () => {
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET_FULL, KmsKeyId: 'alias/loki' });
    const out = await preflight(event('migrate', withSecret()));
    expect(out.progress.message).toMatch(/not checked: history: kms:Decrypt on the key of .*"alias\/loki"/);
  });

  it('a role IAM does not know refuses the run; throttling is left to the retry', async () => {
    iam
      .on(SimulatePrincipalPolicyCommand, { PolicySourceArn: TASK })
      .rejects(sdkError('NoSuchEntityException', 404));
    await expect(preflight(event())).rejects.toMatchObject({
      name: 'UnmigratableError',
      message: expect.stringContaining(`history: task role ${TASK} could not be checked: it does not exist`),
    });
    iam.on(SimulatePrincipalPolicyCommand).rejects(sdkError('Throttling'));
    await expect(preflight(event())).rejects.toMatchObject({ name: 'ThrottledError' });
  });
});
