import { runSimulation, type SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';
import { clientError } from './errors';

/** IAM's names for the three outcomes, as SimulatePrincipalPolicy answers them. */
export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface ResourceDecision {
  readonly resource: string;
  readonly decision: EvalDecision;
  /** Policy names of the statements that decided it (the Deny ones when denied). */
  readonly matchedPolicies: string[];
}

const DECISIONS = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
} as const;

const ARN = /^arn:([^:]+):([^:]*):([^:]*):([^:]*):/;

/**
 * SimulatePrincipalPolicy evaluates the principal's own policies, and a resource policy only when
 * the caller passes one. The engine applies KMS's rule that a key policy must allow the call, so
 * KMS keys get the default key policy (the account delegates to IAM): the identity policies decide,
 * as in AWS's simulator.
 */
function resourcePolicyFor(action: string, resource: string, account: string): unknown {
  if (!action.toLowerCase().startsWith('kms:')) return undefined;
  const partition = ARN.exec(resource)?.[1] ?? 'aws';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIAMUserPermissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

/**
 * One (principal, action, resource) evaluated by @cloud-copilot/iam-simulate, the policy engine
 * that follows AWS's documented evaluation logic. A request the engine rejects (an unknown action,
 * a malformed policy) is answered as IAM would answer bad input. The engine keeps only context keys
 * it knows for the action and does not recognise the `kms:EncryptionContext:<key>` family, so a
 * statement conditioned on an encryption context does not match here (AWS's simulator evaluates it).
 */
export async function evaluate(
  principal: string,
  policies: readonly SimulationIdentityPolicy[],
  action: string,
  resource: string,
  context: Readonly<Record<string, string | string[]>>,
): Promise<ResourceDecision> {
  const principalAccount = ARN.exec(principal)?.[4] ?? '';
  const account = ARN.exec(resource)?.[4] || principalAccount;
  const resourcePolicy = resourcePolicyFor(action, resource, account);
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource, accountId: account },
        contextVariables: { ...context },
      },
      identityPolicies: [...policies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === 'error')
    throw clientError('InvalidInput', `cannot simulate ${action} on ${resource}: ${result.errors.message}`);
  const decision = DECISIONS[result.overallResult];
  const analyses = result.resultType === 'single' ? [result.result] : result.results;
  const matchedPolicies = analyses.flatMap((r) => {
    const identity = r.analysis.identityAnalysis;
    const statements = decision === 'explicitDeny' ? identity?.denyStatements : identity?.allowStatements;
    return (statements ?? []).map((s) => s.policyId ?? '');
  });
  return { resource, decision, matchedPolicies: [...new Set(matchedPolicies)] };
}
