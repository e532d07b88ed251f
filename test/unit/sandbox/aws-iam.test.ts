import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { simulate } from '../../../lambdas/adapters/permissions';
import { IamTwin, type PolicyDocument } from '../../../sandbox/aws/iam';
import { queryProtocolRoute } from '../../../sandbox/aws/query-protocol';
import { listen } from '../../../sandbox/server';

const ROLE = 'arn:aws:iam::123456789012:role/temporal-dev-temporal-task';
const WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-abc';
const OTHER_WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-other';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const doc = (...Statement: Record<string, unknown>[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement,
});
const remoteWrite = doc({ Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: WORKSPACE });

async function decisionOf(iam: IamTwin, action: string, resource: string, context = {}) {
  const [result] = await iam.simulate(ROLE, [action], [resource], context);
  return result?.resources[0]?.decision;
}

describe('IAM twin: the policy simulator (evaluated by @cloud-copilot/iam-simulate)', () => {
  let iam: IamTwin;
  beforeEach(() => {
    iam = new IamTwin();
    iam.putRole(ROLE);
  });

  it('allows what an inline statement allows', async () => {
    iam.putRolePolicy(ROLE, 'remote-write', remoteWrite);
    expect(await decisionOf(iam, 'aps:RemoteWrite', WORKSPACE)).toBe('allowed');
  });

  it('denies implicitly when no statement names the action', async () => {
    iam.putRolePolicy(
      ROLE,
      'query',
      doc({ Effect: 'Allow', Action: 'aps:QueryMetrics', Resource: WORKSPACE }),
    );
    expect(await decisionOf(iam, 'aps:RemoteWrite', WORKSPACE)).toBe('implicitDeny');
  });

  it('an explicit Deny wins over an Allow, even in another policy', async () => {
    iam.putRolePolicy(ROLE, 'remote-write', doc({ Effect: 'Allow', Action: 'aps:*', Resource: '*' }));
    iam.createPolicy(
      'arn:aws:iam::123456789012:policy/guardrail',
      doc({ Effect: 'Deny', Action: 'aps:RemoteWrite', Resource: '*' }),
    );
    iam.attachRolePolicy(ROLE, 'arn:aws:iam::123456789012:policy/guardrail');
    expect(await decisionOf(iam, 'aps:RemoteWrite', WORKSPACE)).toBe('explicitDeny');
  });

  it('denies the action on a resource the statement does not name', async () => {
    iam.putRolePolicy(ROLE, 'remote-write', remoteWrite);
    expect(await decisionOf(iam, 'aps:RemoteWrite', OTHER_WORKSPACE)).toBe('implicitDeny');
  });

  it('allows through an attached managed policy', async () => {
    iam.createPolicy('arn:aws:iam::123456789012:policy/amp', remoteWrite);
    iam.attachRolePolicy(ROLE, 'arn:aws:iam::123456789012:policy/amp');
    expect(await decisionOf(iam, 'aps:RemoteWrite', WORKSPACE)).toBe('allowed');
  });

  it('evaluates conditions on the context the caller gives (kms:ViaService)', async () => {
    iam.putRolePolicy(
      ROLE,
      'decrypt',
      doc({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY,
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      }),
    );
    expect(
      await decisionOf(iam, 'kms:Decrypt', KEY, {
        'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
        'kms:EncryptionContext:SecretARN': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf',
      }),
    ).toBe('allowed');
    expect(
      await decisionOf(iam, 'kms:Decrypt', KEY, { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' }),
    ).toBe('implicitDeny');
  });

  it('removeAction takes one action out of the inline statements, leaving the others', async () => {
    iam.putRolePolicy(
      ROLE,
      'amp',
      doc({ Effect: 'Allow', Action: ['aps:RemoteWrite', 'aps:QueryMetrics'], Resource: WORKSPACE }),
    );
    expect(iam.removeAction(ROLE, 'aps:RemoteWrite')).toBe(1);
    expect(await decisionOf(iam, 'aps:RemoteWrite', WORKSPACE)).toBe('implicitDeny');
    expect(await decisionOf(iam, 'aps:QueryMetrics', WORKSPACE)).toBe('allowed');
    expect(iam.removeAction(ROLE, 'aps:RemoteWrite')).toBe(0);
  });
});

describe('IAM twin over the Query protocol, with the real SDK client', () => {
  let iam: IamTwin;
  let server: Awaited<ReturnType<typeof listen>>;
  let client: IAMClient;
  beforeAll(async () => {
    iam = new IamTwin();
    iam.putRole(ROLE);
    iam.putRolePolicy(ROLE, 'remote-write', remoteWrite);
    server = await listen(0, [], [queryProtocolRoute([iam.service()])]);
    client = new IAMClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${server.port}`,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('answers one result per action, with each resource decided in ResourceSpecificResults', async () => {
    const out = await client.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: ROLE,
        ActionNames: ['aps:RemoteWrite'],
        ResourceArns: [WORKSPACE, OTHER_WORKSPACE],
      }),
    );
    expect(out.IsTruncated).toBe(false);
    expect(out.EvaluationResults).toHaveLength(1);
    expect(out.EvaluationResults?.[0]).toMatchObject({
      EvalActionName: 'aps:RemoteWrite',
      EvalDecision: 'implicitDeny',
      ResourceSpecificResults: [
        {
          EvalResourceName: WORKSPACE,
          EvalResourceDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'remote-write', SourcePolicyType: 'IAM Policy' }],
        },
        { EvalResourceName: OTHER_WORKSPACE, EvalResourceDecision: 'implicitDeny' },
      ],
    });
  });

  it('a role it does not hold is NoSuchEntity (404), as IAM answers', async () => {
    await expect(
      client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: 'arn:aws:iam::123456789012:role/nobody',
          ActionNames: ['aps:RemoteWrite'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
  });

  it("preflight's adapter reads the answers per resource and sets an unknown role aside", async () => {
    const nobody = 'arn:aws:iam::123456789012:role/nobody';
    const out = await simulate(client, [
      { roleArn: ROLE, action: 'aps:RemoteWrite', resources: [WORKSPACE, OTHER_WORKSPACE], context: {} },
      {
        roleArn: nobody,
        action: 'ssm:GetParameters',
        resources: ['arn:aws:ssm:eu-west-1:123456789012:parameter/x'],
        context: {},
      },
    ]);
    expect(out.answers.map((a) => [a.resource, a.decision])).toEqual([
      [WORKSPACE, 'allowed'],
      [OTHER_WORKSPACE, 'implicitDeny'],
    ]);
    expect(out.unchecked).toEqual([
      {
        roleArn: nobody,
        reason: 'no-such-role',
        detail: expect.stringMatching(/^NoSuchEntityException: .*nobody/),
      },
    ]);
  });
});
