import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ResourceScoping } from '../../infra/permissions';
import { layoutCategoryPolicies } from '../../infra/policy-layout';

type Category = 'read' | 'write' | 'logs' | 'lock';

/** `count` resources of about 60 characters in exact scoping, one pattern in cluster scoping. */
const statements = (category: Category, count: number) => (scoping: ResourceScoping) => [
  new PolicyStatement({
    sid: category,
    effect: Effect.ALLOW,
    actions: [`ecs:${category}`],
    resources:
      scoping === 'exact'
        ? Array.from({ length: count }, (_, i) => `arn:aws:ecs:eu-west-1:123456789012:service/c/s-${i}`)
        : ['arn:aws:ecs:eu-west-1:123456789012:service/c/*'],
  }),
];

function layout(counts: Record<Category, number>, roles: Record<string, Category[]>) {
  return layoutCategoryPolicies<Category>({
    stack: new Stack(),
    roles: new Map(Object.entries(roles)),
    statementsFor: (category, scoping) => statements(category, counts[category])(scoping),
    scopable: ['read', 'logs', 'write'],
    planSize: 'this plan lists many services',
    limits: { managedPolicyChars: 1000, managedPoliciesPerRole: 4 },
  });
}
const summary = (result: ReturnType<typeof layout>) =>
  Object.fromEntries([...result].map(([c, l]) => [c, `${l.scoping}:${l.documents.length}`]));

describe('layoutCategoryPolicies', () => {
  it('keeps exact ARNs in one policy per category when they fit', () => {
    expect(
      summary(layout({ read: 3, write: 3, logs: 3, lock: 1 }, { a: ['read', 'write', 'logs', 'lock'] })),
    ).toEqual({
      read: 'exact:1',
      write: 'exact:1',
      logs: 'exact:1',
      lock: 'exact:1',
    });
  });

  it('spreads exact ARNs over several policies while every role stays within its policy count', () => {
    expect(
      summary(layout({ read: 40, write: 3, logs: 3, lock: 1 }, { a: ['read', 'write'], b: ['lock'] })),
    ).toEqual({
      read: 'exact:3',
      write: 'exact:1',
      lock: 'exact:1',
    });
  });

  it('widens read-only categories before updates, and only as far as needed', () => {
    // Role a would need 3 + 3 policies: widening read alone brings it to 1 + 3.
    expect(summary(layout({ read: 40, write: 40, logs: 3, lock: 1 }, { a: ['read', 'write'] }))).toEqual({
      read: 'cluster:1',
      write: 'exact:3',
    });
    // Widening read then logs is not enough for role a: write goes too. Role b keeps exact ARNs
    // for what it alone uses.
    expect(
      summary(
        layout({ read: 40, write: 40, logs: 60, lock: 40 }, { a: ['read', 'write', 'logs'], b: ['lock'] }),
      ),
    ).toEqual({ read: 'cluster:1', write: 'cluster:1', logs: 'cluster:1', lock: 'exact:3' });
  });

  it('never widens a category that already fits in one policy, and refuses what cannot fit', () => {
    expect(() =>
      layout({ read: 1, write: 1, logs: 1, lock: 100 }, { a: ['read', 'write', 'logs', 'lock'] }),
    ).toThrow(
      /the a role would need \d+ managed policies \(read: 1, write: 1, logs: 1, lock: \d+\) and IAM attaches 4 per role by default, even with the per-service resources scoped to the cluster; this plan lists many services/,
    );
  });
});
