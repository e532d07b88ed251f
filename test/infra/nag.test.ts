import { App, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeWildcardResources, nagResourceText } from '../../infra/nag';

describe('nagResourceText', () => {
  it('renders references and joins the way cdk-nag names findings', () => {
    expect(
      nagResourceText({
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*'],
        ],
      }),
    ).toBe('arn:<AWS::Partition>:s3:::<Bucket.Arn>/*');
    expect(nagResourceText('*')).toBe('*');
  });
});

describe('acknowledgeWildcardResources', () => {
  function roleWith(statements: PolicyStatement[], reasons: Record<string, string>) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    statements.forEach((s) => role.addToPrincipalPolicy(s));
    acknowledgeWildcardResources(role, statements, reasons);
    return new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
  }
  const statement = (sid: string, resource: string) =>
    new PolicyStatement({ sid, effect: Effect.ALLOW, actions: ['ecs:DescribeTasks'], resources: [resource] });

  it('acknowledges the wildcards of statements that have a reason', () => {
    expect(
      roleWith([statement('Tasks', 'arn:aws:ecs:eu-west-1:123456789012:task/c/*')], {
        Tasks: 'task ids exist only at run time',
      }),
    ).toEqual([]);
  });

  it('leaves a wildcard without a recorded reason flagged', () => {
    expect(
      roleWith([statement('Unplanned', 'arn:aws:ecs:eu-west-1:123456789012:task/c/*')], {
        Other: 'not this one',
      }),
    ).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:ecs:eu-west-1:123456789012:task/c/*]']);
  });
});
