import type { SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';
import { AwsApiError, clientError } from './errors';
import { evaluate, type EvalDecision, type ResourceDecision } from './iam-simulate';
import type { AwsQueryService, QueryParams, XmlValue } from './query-protocol';

/** An IAM policy document as the engine reads it. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Record<string, unknown>[];
}

interface Role {
  readonly arn: string;
  readonly inline: Map<string, PolicyDocument>;
  readonly attached: Set<string>;
}

/** The most restrictive of several decisions, as IAM sums up one action over many resources. */
function mostRestrictive(decisions: readonly EvalDecision[]): EvalDecision {
  if (decisions.includes('explicitDeny')) return 'explicitDeny';
  if (decisions.includes('implicitDeny')) return 'implicitDeny';
  return 'allowed';
}

const statementsOf = (names: readonly string[]): XmlValue =>
  names.map((name) => ({ SourcePolicyId: name, SourcePolicyType: 'IAM Policy' }));

/**
 * IAM: roles with inline and attached (customer managed) policies, and the policy simulator over
 * them. Roles are kept by ARN, in whatever account their task definitions name, since the
 * simulator is asked about the roles a task definition carries.
 */
export class IamTwin {
  private readonly roles = new Map<string, Role>();
  private readonly managed = new Map<string, PolicyDocument>();

  putRole(arn: string): void {
    if (!this.roles.has(arn)) this.roles.set(arn, { arn, inline: new Map(), attached: new Set() });
  }

  hasRole(arn: string): boolean {
    return this.roles.has(arn);
  }

  putRolePolicy(roleArn: string, name: string, document: PolicyDocument): void {
    this.role(roleArn).inline.set(name, document);
  }

  createPolicy(policyArn: string, document: PolicyDocument): void {
    this.managed.set(policyArn, document);
  }

  attachRolePolicy(roleArn: string, policyArn: string): void {
    if (!this.managed.has(policyArn))
      throw new AwsApiError('NoSuchEntity', `Policy ${policyArn} does not exist or is not attachable.`, 404);
    this.role(roleArn).attached.add(policyArn);
  }

  /**
   * Takes `action` out of every inline policy statement of the role that names it (statements left
   * with no action go). Returns how many statements lost it. Attached policies are shared with other
   * roles and stay as they are.
   */
  removeAction(roleArn: string, action: string): number {
    const role = this.role(roleArn);
    let removed = 0;
    for (const [name, doc] of role.inline) {
      const statements = doc.Statement.flatMap((s) => {
        const actions =
          typeof s.Action === 'string' ? [s.Action] : Array.isArray(s.Action) ? (s.Action as string[]) : null;
        if (!actions || !actions.includes(action)) return [s];
        removed += 1;
        const rest = actions.filter((a) => a !== action);
        return rest.length > 0 ? [{ ...s, Action: rest }] : [];
      });
      role.inline.set(name, { ...doc, Statement: statements });
    }
    return removed;
  }

  private role(arn: string): Role {
    const role = this.roles.get(arn);
    if (!role) {
      const name = arn.split('/').pop() ?? arn;
      throw new AwsApiError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    }
    return role;
  }

  private policiesOf(role: Role): SimulationIdentityPolicy[] {
    return [
      ...[...role.inline].map(([name, policy]) => ({ name, policy })),
      ...[...role.attached].map((arn) => ({ name: arn, policy: this.managed.get(arn) })),
    ];
  }

  /** Each action on each resource, as the role's policies decide it. */
  async simulate(
    roleArn: string,
    actions: readonly string[],
    resources: readonly string[],
    context: Readonly<Record<string, string | string[]>> = {},
  ): Promise<{ action: string; resources: ResourceDecision[] }[]> {
    const policies = this.policiesOf(this.role(roleArn));
    const targets = resources.length > 0 ? resources : ['*'];
    return Promise.all(
      actions.map(async (action) => ({
        action,
        resources: await Promise.all(targets.map((r) => evaluate(roleArn, policies, action, r, context))),
      })),
    );
  }

  private async simulatePrincipalPolicy(params: QueryParams): Promise<XmlValue> {
    const roleArn = params.string('PolicySourceArn');
    if (!roleArn) throw clientError('InvalidInput', 'PolicySourceArn is required');
    if (!/^arn:[^:]+:iam::\d{12}:role\//.test(roleArn))
      throw clientError('InvalidInput', `the sandbox simulates roles only, not ${roleArn}`);
    const actions = params.list('ActionNames');
    if (actions.length === 0) throw clientError('InvalidInput', 'ActionNames must name at least one action');
    const context: Record<string, string[]> = {};
    for (const entry of params.structs('ContextEntries'))
      context[entry.string('ContextKeyName') ?? ''] = entry.list('ContextKeyValues');
    const results = await this.simulate(roleArn, actions, params.list('ResourceArns'), context);
    // One result per action; the per-resource decisions are in ResourceSpecificResults, as IAM gives them.
    return {
      EvaluationResults: results.map((r) => ({
        EvalActionName: r.action,
        EvalResourceName: '*',
        EvalDecision: mostRestrictive(r.resources.map((x) => x.decision)),
        MatchedStatements: statementsOf([...new Set(r.resources.flatMap((x) => x.matchedPolicies))]),
        MissingContextValues: [],
        ResourceSpecificResults: r.resources.map((x) => ({
          EvalResourceName: x.resource,
          EvalResourceDecision: x.decision,
          MatchedStatements: statementsOf(x.matchedPolicies),
          MissingContextValues: [],
        })),
      })),
      IsTruncated: false,
    };
  }

  service(): AwsQueryService {
    return {
      version: '2010-05-08',
      xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
      operations: { SimulatePrincipalPolicy: (params) => this.simulatePrincipalPolicy(params) },
    };
  }
}
