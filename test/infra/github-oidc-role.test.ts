import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GitHubOidcRole, trustedSubjects, type GitHubOidcRoleProps } from '../../infra/github-oidc-role';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout-temporal-dev';
const EXECUTIONS = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout-temporal-dev:*';

function build(props: Partial<GitHubOidcRoleProps>) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  new GitHubOidcRole(stack, 'GitHub', {
    repository: 'acme/infra',
    refs: ['refs/heads/main'],
    stateMachineArn: MACHINE,
    executionArnPattern: EXECUTIONS,
    ...props,
  });
  return { app, template: Template.fromStack(stack) };
}

describe('GitHubOidcRole', () => {
  it('uses an existing provider when given, creating none', () => {
    const { template, app } = build({
      providerArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      MaxSessionDuration: 3 * 3600,
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: {
              Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
            },
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: {
                'token.actions.githubusercontent.com:sub': ['repo:acme/infra:ref:refs/heads/main'],
              },
            },
          },
        ],
      },
    });
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
  });

  it('ties every trusted subject to the one repository', () => {
    expect(trustedSubjects('acme/infra', ['refs/heads/main', 'refs/tags/v*'], ['production'])).toEqual([
      'repo:acme/infra:ref:refs/heads/main',
      'repo:acme/infra:ref:refs/tags/v*',
      'repo:acme/infra:environment:production',
    ]);
  });

  it('refuses a bad repository, no refs or environments, every branch, and a bad provider ARN', () => {
    expect(() => build({ repository: 'acme', refs: [] })).toThrow(
      /GitHubOidcRole: 2 problems in props\n {2}- repository: expected a GitHub repository as "owner\/repo", got "acme"\n {2}- refs\/environments: expected at least one ref/,
    );
    expect(() => build({ refs: ['refs/heads/*'] })).toThrow(
      /refs\[0\]: expected a ref such as "refs\/heads\/main"/,
    );
    expect(() => build({ refs: ['main'] })).toThrow(/refs\[0\]/);
    expect(() => build({ providerArn: 'arn:aws:iam::123456789012:role/x' })).toThrow(
      /providerArn: expected an IAM OIDC provider ARN/,
    );
    expect(() => build({ maxSessionDuration: Duration.hours(24) })).toThrow(
      /maxSessionDuration: expected between 1 and 12 hours, got 24/,
    );
  });
});
