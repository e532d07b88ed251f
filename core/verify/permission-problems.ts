import type { PermissionNeed } from './permissions';

/**
 * Turning IAM policy simulations into preflight problems. The simulations themselves are made by
 * the Lambda (iam:SimulatePrincipalPolicy); here are the requests to make and what the answers mean.
 */

/** One simulation request: one role, one action, its resources, the context the real call carries. */
export interface SimulationBatch {
  readonly roleArn: string;
  readonly action: string;
  readonly resources: string[];
  readonly context: Readonly<Record<string, string>>;
}

/** IAM's verdict for one (role, action, resource). */
export interface SimulationAnswer {
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  /** `allowed`, `explicitDeny` or `implicitDeny`, as IAM says it. */
  readonly decision: string;
  /** Context keys the role's policies test that the simulation was not given. */
  readonly missingContext?: readonly string[];
}

/** A role whose policies could not be simulated at all. */
export interface UncheckedRole {
  readonly roleArn: string;
  readonly reason: 'no-such-role' | 'not-permitted' | 'rejected';
  /** The error as AWS gave it. */
  readonly detail: string;
}

export interface PermissionProblem {
  readonly service: string;
  readonly message: string;
  readonly reason: 'permission-missing' | 'role-unchecked';
}

/**
 * Resources per request: a hundred-service plan asks one question per role and action in a few
 * calls, and no answer grows past one page.
 */
export const SIMULATION_BATCH_SIZE = 50;

const keyOf = (roleArn: string, action: string, resource: string) => `${roleArn}\n${action}\n${resource}`;

/** The needs grouped into requests: the same (role, action, resource) is asked once for all services. */
export function simulationBatches(needs: readonly PermissionNeed[]): SimulationBatch[] {
  const groups = new Map<
    string,
    { roleArn: string; action: string; resources: Set<string>; context: Record<string, string> }
  >();
  for (const n of needs) {
    const context = n.context ?? {};
    const key = `${n.roleArn}\n${n.action}\n${JSON.stringify(context)}`;
    const group = groups.get(key) ?? { roleArn: n.roleArn, action: n.action, resources: new Set(), context };
    group.resources.add(n.resource);
    groups.set(key, group);
  }
  const batches: SimulationBatch[] = [];
  for (const g of groups.values()) {
    const resources = [...g.resources];
    for (let i = 0; i < resources.length; i += SIMULATION_BATCH_SIZE)
      batches.push({
        roleArn: g.roleArn,
        action: g.action,
        resources: resources.slice(i, i + SIMULATION_BATCH_SIZE),
        context: g.context,
      });
  }
  return batches;
}

function denial(answer: SimulationAnswer | undefined): string {
  if (!answer) return 'IAM gave no answer for it';
  const missing = answer.missingContext ?? [];
  const unknown =
    missing.length > 0 ? `; its policies test ${missing.join(', ')}, which the check cannot know` : '';
  if (answer.decision === 'explicitDeny') return `an explicit Deny applies${unknown}`;
  if (answer.decision === 'implicitDeny') return `no statement allows it${unknown}`;
  return `IAM answered "${answer.decision}"${unknown}`;
}

function uncheckedText(role: UncheckedRole): string {
  switch (role.reason) {
    case 'no-such-role':
      return `it does not exist (${role.detail})`;
    case 'not-permitted':
      return (
        `the orchestrator may not simulate its policies (${role.detail}); list it in the ` +
        "deployment's taskRoleArns/executionRoleArns, the roles it may also pass to ECS"
      );
    case 'rejected':
      return `IAM refused to simulate its policies (${role.detail})`;
  }
}

/**
 * One problem per service and missing permission, naming the role, the action, the resource and
 * what fails without it; one per service and role that could not be checked. A role that cannot
 * be simulated refuses the run too: "not known to be allowed" is not allowed.
 */
export function permissionProblems(
  needs: readonly PermissionNeed[],
  answers: readonly SimulationAnswer[],
  unchecked: readonly UncheckedRole[],
): PermissionProblem[] {
  const byKey = new Map(answers.map((a) => [keyOf(a.roleArn, a.action, a.resource), a]));
  const uncheckedRoles = new Map(unchecked.map((u) => [u.roleArn, u]));
  const problems: PermissionProblem[] = [];
  const reported = new Set<string>();
  for (const n of needs) {
    const role = uncheckedRoles.get(n.roleArn);
    if (role) {
      const key = `${n.service}\n${n.roleArn}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push({
        service: n.service,
        reason: 'role-unchecked',
        message: `${n.roleKind} role ${n.roleArn} could not be checked: ${uncheckedText(role)}`,
      });
      continue;
    }
    const answer = byKey.get(keyOf(n.roleArn, n.action, n.resource));
    if (answer?.decision === 'allowed') continue;
    problems.push({
      service: n.service,
      reason: 'permission-missing',
      message: `${n.roleKind} role ${n.roleArn} may not ${n.action} on ${n.resource} (${denial(answer)}): ${n.why}`,
    });
  }
  return problems;
}
