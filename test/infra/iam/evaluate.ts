import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './iam-requests';
import type { LambdaRole } from './role-policies';

export interface Decision {
  readonly request: IamRequest;
  /** 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'; or the engine's refusal of the request. */
  readonly result: string;
}

/** The account a resource lives in (field 5 of its ARN); `*` and account-less ARNs are the caller's. */
function accountOf(resource: string, caller: string): string {
  const account = resource.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : caller;
}

/**
 * Asks the policy engine whether the role's identity policies allow the request. A same-account
 * request with no resource policy: the identity policies decide alone, as IAM does.
 */
export async function decide(role: LambdaRole, request: IamRequest): Promise<Decision> {
  const caller = role.roleArn.split(':')[4] ?? '';
  const response = await runSimulation(
    {
      request: {
        principal: role.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: accountOf(request.resource, caller) },
        contextVariables: { ...request.context },
      },
      identityPolicies: role.policies.map((p) => ({ name: p.id, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  const result =
    response.resultType === 'error' ? `not evaluated: ${response.errors.message}` : response.overallResult;
  return { request, result };
}

/** Every action a policy statement allows, lower-cased as IAM compares them. */
export function grantedActions(role: LambdaRole): { policy: string; action: string }[] {
  return role.policies.flatMap((p) =>
    p.document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
      [s.Action].flat().map((action) => ({ policy: p.id, action })),
    ),
  );
}
