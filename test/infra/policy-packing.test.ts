import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { packStatements } from '../../infra/policy-packing';
import { estimatePolicyChars } from '../../infra/policy-size';

const arn = (i: number) => `arn:aws:ecs:eu-west-1:123456789012:service/temporal-dev/service-number-${i}`;
const statement = (sid: string, count: number, from = 0) =>
  new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions: ['ecs:UpdateService'],
    resources: Array.from({ length: count }, (_, i) => arn(from + i)),
  });
const json = (stack: Stack, documents: PolicyStatement[][]) =>
  documents.map((d) =>
    d.map((s) => stack.resolve(s.toStatementJson()) as { Sid: string; Resource: string | string[] }),
  );

describe('packStatements', () => {
  it('keeps statements that fit together in one document, unchanged', () => {
    const stack = new Stack();
    const documents = packStatements(stack, [statement('A', 3), statement('B', 2, 3)], 6144);
    expect(json(stack, documents)).toEqual([
      [
        expect.objectContaining({ Sid: 'A', Resource: [arn(0), arn(1), arn(2)] }),
        expect.objectContaining({ Sid: 'B', Resource: [arn(3), arn(4)] }),
      ],
    ]);
  });

  it('splits a long resource list across documents, in order, at most one piece of a Sid per document', () => {
    const stack = new Stack();
    const documents = packStatements(stack, [statement('Small', 2), statement('Big', 200, 2)], 2000);
    expect(documents.length).toBeGreaterThan(5);
    const pieces = json(stack, documents);
    for (const document of pieces) {
      const sids = document.map((s) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
    }
    expect(pieces.flat().flatMap((s) => [s.Resource].flat())).toEqual(
      Array.from({ length: 202 }, (_, i) => arn(i)),
    );
    for (const document of documents) expect(estimatePolicyChars(stack, document)).toBeLessThanOrEqual(2000);
    // Filled, not scattered: every document but the last is more than half full.
    for (const document of documents.slice(0, -1))
      expect(estimatePolicyChars(stack, document)).toBeGreaterThan(1000);
  });

  it('keeps conditions on every piece of a split statement', () => {
    const stack = new Stack();
    const pass = new PolicyStatement({
      sid: 'Pass',
      actions: ['iam:PassRole'],
      resources: Array.from({ length: 100 }, (_, i) => `arn:aws:iam::123456789012:role/task-role-${i}`),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    const documents = packStatements(stack, [pass], 1000);
    expect(documents.length).toBeGreaterThan(1);
    for (const [piece] of documents) expect(piece?.conditions).toEqual(pass.conditions);
  });

  it('refuses a statement whose single resource cannot fit, and one with no resource', () => {
    const stack = new Stack();
    expect(() => packStatements(stack, [statement('Big', 1)], 150)).toThrow(
      /statement Big with the one resource arn:aws:ecs:.* needs more than 150 characters/,
    );
    expect(() =>
      packStatements(stack, [new PolicyStatement({ sid: 'None', actions: ['ecs:ListClusters'] })], 6144),
    ).toThrow(/statements None name no resource; expected at least one each/);
  });
});
