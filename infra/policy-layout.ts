import type { Stack } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { InputInvalidError } from '../core/errors';
import type { ResourceScoping } from './permissions';
import { packStatements } from './policy-packing';
import { IAM_QUOTAS } from './policy-size';

/** The statements of one permission category, as the managed policies that will hold them. */
export interface CategoryPolicies<C extends string> {
  readonly category: C;
  readonly scoping: ResourceScoping;
  /** One statement list per managed policy; empty when the category grants nothing here. */
  readonly documents: readonly PolicyStatement[][];
}

export interface PolicyLayoutInput<C extends string> {
  readonly stack: Stack;
  /** The categories each role attaches, by role (the key names the role in messages). */
  readonly roles: ReadonlyMap<string, readonly C[]>;
  readonly statementsFor: (category: C, scoping: ResourceScoping) => PolicyStatement[];
  /** Categories that have a cluster-scoped form, in the order they may be widened. */
  readonly scopable: readonly C[];
  /** What the plan lists, for the message when nothing fits. */
  readonly planSize: string;
  readonly limits?: { readonly managedPolicyChars: number; readonly managedPoliciesPerRole: number };
}

/**
 * Lays every category out in three tiers, keeping least privilege wherever it fits:
 * 1. exact per-service ARNs in one managed policy per category;
 * 2. the same statements spread over several managed policies when one would pass IAM's size limit;
 * 3. cluster-scoped patterns for a category only when a role would otherwise need more managed
 *    policies than IAM attaches: one category at a time, in the order of `scopable`.
 * A role that still needs too many policies (e.g. thousands of pass roles) is refused.
 */
export function layoutCategoryPolicies<C extends string>(
  input: PolicyLayoutInput<C>,
): ReadonlyMap<C, CategoryPolicies<C>> {
  const limits = input.limits ?? IAM_QUOTAS;
  const layouts = new Map<C, CategoryPolicies<C>>();
  const lay = (category: C, scoping: ResourceScoping) =>
    layouts.set(category, {
      category,
      scoping,
      documents: packStatements(
        input.stack,
        input.statementsFor(category, scoping),
        limits.managedPolicyChars,
      ),
    });
  const policiesOf = (category: C) => layouts.get(category)?.documents.length ?? 0;
  const countFor = (categories: readonly C[]) => categories.reduce((n, c) => n + policiesOf(c), 0);

  for (const categories of input.roles.values())
    for (const c of categories) if (!layouts.has(c)) lay(c, 'exact');

  for (;;) {
    const over = [...input.roles].find(
      ([, categories]) => countFor(categories) > limits.managedPoliciesPerRole,
    );
    if (!over) return layouts;
    const [role, categories] = over;
    // Widening a category that already fits one policy would give up least privilege for nothing.
    const widen = input.scopable.find(
      (c) => categories.includes(c) && layouts.get(c)?.scoping === 'exact' && policiesOf(c) > 1,
    );
    if (widen === undefined)
      throw new InputInvalidError(
        `the ${role} role would need ${countFor(categories)} managed policies (${categories
          .map((c) => `${c}: ${policiesOf(c)}`)
          .join(', ')}) and IAM attaches ${limits.managedPoliciesPerRole} per role by default, ` +
          `even with the per-service resources scoped to the cluster; ${input.planSize}: expected fewer roles to pass or a plan split across stacks`,
        { role, policies: countFor(categories) },
      );
    lay(widen, 'cluster');
  }
}
