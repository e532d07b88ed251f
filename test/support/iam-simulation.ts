import type {
  SimulatePrincipalPolicyCommandInput,
  SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';

/** How a test's IAM decides one (role, action, resource). */
export type Decide = (
  roleArn: string,
  action: string,
  resource: string,
) => 'allowed' | 'implicitDeny' | 'explicitDeny';

export const allowEverything: Decide = () => 'allowed';

/**
 * A SimulatePrincipalPolicy answer shaped as IAM gives it: one result per action, each resource's
 * decision in ResourceSpecificResults, the top-level decision the most restrictive of them.
 */
export function simulationAnswer(
  input: SimulatePrincipalPolicyCommandInput,
  decide: Decide = allowEverything,
): Partial<SimulatePrincipalPolicyCommandOutput> {
  const role = input.PolicySourceArn ?? '';
  const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
  return {
    IsTruncated: false,
    EvaluationResults: (input.ActionNames ?? []).map((action) => {
      const decisions = resources.map((r) => decide(role, action, r));
      return {
        EvalActionName: action,
        EvalResourceName: '*',
        EvalDecision: decisions.includes('explicitDeny')
          ? 'explicitDeny'
          : decisions.includes('implicitDeny')
            ? 'implicitDeny'
            : 'allowed',
        ResourceSpecificResults: resources.map((r, i) => ({
          EvalResourceName: r,
          EvalResourceDecision: decisions[i],
        })),
      };
    }),
  };
}
