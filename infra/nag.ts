import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** The AwsSolutions rules this project acknowledges somewhere, each with a reason at the call. */
export const NAG_RULES = {
  wildcard: 'AwsSolutions-IAM5',
  s3AccessLogs: 'AwsSolutions-S1',
  managedPolicy: 'AwsSolutions-IAM4',
} as const;

/**
 * How cdk-nag prints a resolved resource in a finding id: intrinsic references become `<Ref>` or
 * `<LogicalId.Attr>`, joins are flattened. Acknowledgements must name the finding exactly.
 */
export function nagResourceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string') return `<${obj.Ref}>`;
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
    const join = obj['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1]))
      return (join[1] as unknown[]).map(nagResourceText).join(join[0]);
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges the wildcard-resource findings of the given statements on `construct` (a role or a
 * managed policy), with the reason recorded for each statement's Sid. A statement whose Sid has no
 * reason is left alone, so an unplanned wildcard still fails the check. Findings that several
 * statements share get every reason.
 */
export function acknowledgeWildcardResources(
  construct: IConstruct,
  statements: readonly PolicyStatement[],
  reasons: Readonly<Record<string, string>>,
): void {
  const stack = Stack.of(construct);
  const byFinding = new Map<string, string[]>();
  for (const statement of statements) {
    const reason = statement.sid ? reasons[statement.sid] : undefined;
    if (!reason) continue;
    for (const resource of statement.resources) {
      const text = nagResourceText(stack.resolve(resource));
      if (!text.includes('*')) continue;
      const id = `${NAG_RULES.wildcard}[Resource::${text}]`;
      byFinding.set(id, [...(byFinding.get(id) ?? []), `${statement.sid}: ${reason}`]);
    }
  }
  for (const [id, why] of byFinding) Validations.of(construct).acknowledge({ id, reason: why.join(' ') });
}
