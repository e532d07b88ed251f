import { Duration, Token } from 'aws-cdk-lib';
import {
  Effect,
  OidcProviderNative,
  PolicyStatement,
  Role,
  WebIdentityPrincipal,
  type IOidcProvider,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag';
import { PATTERNS, PropProblems } from './validation';

/** GitHub Actions' token issuer and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC = {
  url: 'https://token.actions.githubusercontent.com',
  host: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

export interface GitHubOidcRoleProps {
  /** "owner/repo": the only repository trusted. */
  readonly repository: string;
  /** Git refs whose workflows may assume the role, e.g. "refs/heads/main" ("*" allowed inside a ref, e.g. "refs/tags/v*"). */
  readonly refs?: readonly string[];
  /** GitHub environments whose jobs may assume the role (a job with an environment presents that, not its ref). */
  readonly environments?: readonly string[];
  /** An existing GitHub OIDC provider in the account (there can be only one per URL). Default: create one. */
  readonly providerArn?: string;
  readonly stateMachineArn: string;
  /** Pattern matching the state machine's executions (child executions included). */
  readonly executionArnPattern: string;
  /** A rollout can outlast the default hour; the Action follows it to the end. Default: 3 hours. */
  readonly maxSessionDuration?: Duration;
  readonly roleName?: string;
}

/** The `sub` claims trusted: one per ref and per environment, of the one repository. */
export function trustedSubjects(
  repository: string,
  refs: readonly string[],
  environments: readonly string[],
): string[] {
  return [
    ...refs.map((ref) => `repo:${repository}:ref:${ref}`),
    ...environments.map((env) => `repo:${repository}:environment:${env}`),
  ];
}

/**
 * The role GitHub workflows assume (configure-aws-credentials) to run rollouts: it may only start,
 * describe and read the history of executions of this one state machine. It cannot stop them: the
 * Action never does, and stopping is an operator's act with their own credentials.
 */
export class GitHubOidcRole extends Construct {
  readonly role: Role;
  readonly provider: IOidcProvider;

  constructor(scope: Construct, id: string, props: GitHubOidcRoleProps) {
    super(scope, id);
    const refs = props.refs ?? [];
    const environments = props.environments ?? [];
    const problems = new PropProblems('GitHubOidcRole');
    problems.expect(
      PATTERNS.githubRepository.test(props.repository ?? ''),
      'repository',
      'a GitHub repository as "owner/repo"',
      props.repository,
    );
    problems.expect(
      refs.length + environments.length > 0,
      'refs/environments',
      'at least one ref (e.g. "refs/heads/main") or environment to trust',
      [...refs, ...environments],
    );
    refs.forEach((ref, i) =>
      problems.expect(
        /^refs\/(heads|tags)\/[^\s:]+$/.test(ref) && ref !== 'refs/heads/*',
        `refs[${i}]`,
        'a ref such as "refs/heads/main" or "refs/tags/v*" (not every branch)',
        ref,
      ),
    );
    environments.forEach((env, i) =>
      problems.expect(
        /^[^\s:*]{1,255}$/.test(env),
        `environments[${i}]`,
        'a GitHub environment name without "*" or ":"',
        env,
      ),
    );
    if (props.providerArn !== undefined)
      problems.expect(
        Token.isUnresolved(props.providerArn) || PATTERNS.oidcProviderArn.test(props.providerArn),
        'providerArn',
        'an IAM OIDC provider ARN such as "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"',
        props.providerArn,
      );
    const hours = props.maxSessionDuration?.toHours({ integral: false }) ?? 3;
    problems.expect(hours >= 1 && hours <= 12, 'maxSessionDuration', 'between 1 and 12 hours', hours);
    problems.throwIfAny();

    this.provider = props.providerArn
      ? OidcProviderNative.fromOidcProviderArn(this, 'Provider', props.providerArn)
      : new OidcProviderNative(this, 'Provider', { url: GITHUB_OIDC.url, clientIds: [GITHUB_OIDC.audience] });

    this.role = new Role(this, 'Role', {
      ...(props.roleName ? { roleName: props.roleName } : {}),
      description: `Run alloy-rollout executions from GitHub ${props.repository}`,
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(3),
      assumedBy: new WebIdentityPrincipal(this.provider.oidcProviderArn, {
        StringEquals: { [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience },
        // StringLike so that a ref such as "refs/tags/v*" works; every subject is still tied to the repository.
        StringLike: { [`${GITHUB_OIDC.host}:sub`]: trustedSubjects(props.repository, refs, environments) },
      }),
    });
    const statements = [
      new PolicyStatement({
        sid: 'StartRollouts',
        effect: Effect.ALLOW,
        actions: ['states:StartExecution'],
        resources: [props.stateMachineArn],
      }),
      new PolicyStatement({
        sid: 'FollowRollouts',
        effect: Effect.ALLOW,
        // No states:StopExecution: the Action never stops an execution (least privilege).
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [props.executionArnPattern],
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(this.role, statements, {
      FollowRollouts:
        'Execution names are derived from each workflow run; the pattern covers executions (and child executions) of this one state machine only.',
    });
  }
}
