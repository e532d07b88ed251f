import { parsePlanOrThrow } from '../../../../core/plan/parse';
import {
  permissionProblems,
  secretKmsKey,
  servicePermissionNeeds,
  simulationBatches,
  SIMULATION_BATCH_SIZE,
  type PermissionNeed,
} from '../../../../core/verify';

const EXECUTION = 'arn:aws:iam::123456789012:role/temporal-dev-ecs-execution';
const TASK = 'arn:aws:iam::123456789012:role/temporal-dev-temporal-task';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-auth-AbCdEf';
const PARAMETER =
  'arn:aws:ssm:eu-west-1:123456789012:parameter/alloy-rollout/temporal-dev/history/config.alloy';
const WORKSPACE = 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-abc';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const plan = (loki: Record<string, unknown> = {}) =>
  parsePlanOrThrow({
    cluster: 'temporal-dev',
    region: 'eu-west-1',
    loki: { url: 'http://loki:3100', ...loki },
    amp: { workspaceId: 'ws-abc' },
    phases: [{ name: 'core', services: [{ name: 'history', ecsService: 'temporal-dev-temporal-history' }] }],
  });
const roles = { executionRoleArn: EXECUTION, taskRoleArn: TASK };

describe('servicePermissionNeeds', () => {
  it('execution role reads the config parameter; task role writes to the workspace', () => {
    const { needs, notChecked } = servicePermissionNeeds(plan(), 'history', roles);
    expect(notChecked).toEqual([]);
    expect(needs.map((n) => [n.roleKind, n.roleArn, n.action, n.resource])).toEqual([
      ['execution', EXECUTION, 'ssm:GetParameters', PARAMETER],
      ['task', TASK, 'aps:RemoteWrite', WORKSPACE],
    ]);
  });

  it('with a Loki secret, the execution role reads it by its full ARN, and decrypts with its key', () => {
    const { needs } = servicePermissionNeeds(
      plan({ authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-auth' }),
      'history',
      roles,
      { arn: SECRET, kmsKeyId: KEY },
    );
    expect(needs.filter((n) => n.roleKind === 'execution').map((n) => [n.action, n.resource])).toEqual([
      ['ssm:GetParameters', PARAMETER],
      ['secretsmanager:GetSecretValue', SECRET],
      ['kms:Decrypt', KEY],
    ]);
    expect(needs.find((n) => n.action === 'kms:Decrypt')?.context).toEqual({
      'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com',
      'kms:EncryptionContext:SecretARN': SECRET,
    });
  });

  it('no kms:Decrypt for the AWS managed key; an alias is reported as not checked', () => {
    const p = plan({ authSecretArn: SECRET });
    expect(
      servicePermissionNeeds(p, 'history', roles, { arn: SECRET }).needs.map((n) => n.action),
    ).not.toContain('kms:Decrypt');
    const aliased = servicePermissionNeeds(p, 'history', roles, { arn: SECRET, kmsKeyId: 'alias/loki' });
    expect(aliased.needs.map((n) => n.action)).not.toContain('kms:Decrypt');
    expect(aliased.notChecked).toEqual([expect.stringContaining('"alias/loki"')]);
  });

  it('a roleless field adds nothing (the transform refuses it); a role that is not an ARN is not checked', () => {
    const { needs, notChecked } = servicePermissionNeeds(plan(), 'history', { taskRoleArn: 'temporal-task' });
    expect(needs).toEqual([]);
    expect(notChecked).toEqual([
      'history: task role "temporal-task" is not an IAM role ARN, so its permissions were not checked',
    ]);
  });
});

describe('secretKmsKey', () => {
  it.each([
    [undefined, null],
    ['alias/aws/secretsmanager', null],
    [KEY, { arn: KEY }],
    ['1234abcd-12ab-34cd-56ef-1234567890ab', { arn: KEY }],
    [
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      { arn: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab' },
    ],
  ])('%s', (kmsKeyId, expected) => {
    expect(secretKmsKey({ arn: SECRET, ...(kmsKeyId ? { kmsKeyId } : {}) })).toEqual(expected);
  });

  it('an alias ARN is not checked', () => {
    expect(
      secretKmsKey({ arn: SECRET, kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:alias/loki' }),
    ).toMatchObject({ notChecked: expect.stringContaining('alias') });
  });
});

describe('simulationBatches', () => {
  it('asks each (role, action, resource) once, across services', () => {
    const p = plan();
    const needs = ['history', 'matching'].flatMap((s) => servicePermissionNeeds(p, s, roles).needs);
    expect(simulationBatches(needs)).toEqual([
      {
        roleArn: EXECUTION,
        action: 'ssm:GetParameters',
        resources: [PARAMETER, PARAMETER.replace('history', 'matching')],
        context: {},
      },
      { roleArn: TASK, action: 'aps:RemoteWrite', resources: [WORKSPACE], context: {} },
    ]);
  });

  it('splits long resource lists', () => {
    const p = plan();
    const needs = Array.from(
      { length: SIMULATION_BATCH_SIZE + 1 },
      (_, i) => servicePermissionNeeds(p, `s${i}`, roles).needs,
    ).flat();
    expect(simulationBatches(needs).map((b) => b.resources.length)).toEqual([SIMULATION_BATCH_SIZE, 1, 1]);
  });
});

describe('permissionProblems', () => {
  const needs: PermissionNeed[] = [
    ...servicePermissionNeeds(plan(), 'history', roles).needs,
    ...servicePermissionNeeds(plan(), 'matching', roles).needs,
  ];
  const allowed = needs.map((n) => ({
    roleArn: n.roleArn,
    action: n.action,
    resource: n.resource,
    decision: 'allowed',
  }));

  it('nothing when every answer allows', () => {
    expect(permissionProblems(needs, allowed, [])).toEqual([]);
  });

  it('names the role, the action, the resource, why it was denied and what breaks, for each service', () => {
    const answers = allowed.map((a) =>
      a.action === 'aps:RemoteWrite' ? { ...a, decision: 'implicitDeny' } : a,
    );
    expect(permissionProblems(needs, answers, [])).toEqual(
      ['history', 'matching'].map((service) => ({
        service,
        reason: 'permission-missing',
        message: `task role ${TASK} may not aps:RemoteWrite on ${WORKSPACE} (no statement allows it): Alloy signs its remote writes to Amazon Managed Prometheus with the task role`,
      })),
    );
  });

  it('says when a Deny applies, when context was missing, and when IAM did not answer', () => {
    const answers = [
      { ...allowed[0]!, decision: 'explicitDeny' },
      { ...allowed[1]!, decision: 'implicitDeny', missingContext: ['aws:SourceVpce'] },
    ];
    const messages = permissionProblems(needs.slice(0, 2), answers, []).map((p) => p.message);
    expect(messages[0]).toMatch(/may not ssm:GetParameters on .* \(an explicit Deny applies\)/);
    expect(messages[1]).toMatch(
      /\(no statement allows it; its policies test aws:SourceVpce, which the check cannot know\)/,
    );
    expect(permissionProblems(needs.slice(0, 1), [], [])[0]?.message).toMatch(/IAM gave no answer for it/);
  });

  it('a role that cannot be simulated is one problem per service, never a pass', () => {
    const problems = permissionProblems(needs, allowed, [
      { roleArn: TASK, reason: 'not-permitted', detail: 'AccessDenied' },
      { roleArn: EXECUTION, reason: 'no-such-role', detail: 'NoSuchEntity' },
    ]);
    expect(problems.map((p) => [p.service, p.reason])).toEqual([
      ['history', 'role-unchecked'],
      ['history', 'role-unchecked'],
      ['matching', 'role-unchecked'],
      ['matching', 'role-unchecked'],
    ]);
    expect(problems[0]?.message).toBe(
      `execution role ${EXECUTION} could not be checked: it does not exist (NoSuchEntity)`,
    );
    expect(problems[1]?.message).toMatch(
      /may not simulate its policies \(AccessDenied\); list it in .*taskRoleArns/,
    );
  });
});
