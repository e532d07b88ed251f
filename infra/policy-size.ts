import type { Stack } from 'aws-cdk-lib';
import { PolicyDocument, type PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * IAM quotas the Lambda policies are laid out against
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
 * a customer managed policy holds at most 6,144 characters, white space not counted (fixed), and a
 * role has at most 10 managed policies attached by default (adjustable through Service Quotas, but
 * a stack must deploy into an account that never asked for more).
 */
export const IAM_QUOTAS = {
  managedPolicyChars: 6144,
  managedPoliciesPerRole: 10,
} as const;

/** IAM's limit for one customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = IAM_QUOTAS.managedPolicyChars;

/** The longest values the pseudo parameters usually take, so estimates err on the high side. */
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'ap-southeast-1',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Stands in for a reference to a resource of this stack (a table or role ARN): the length of an
 * ARN whose name takes 255 characters, e.g. a DynamoDB table named by CloudFormation.
 */
const RESOURCE_REFERENCE_CHARS = 320;

/** A resolved CloudFormation value as plain text, references replaced by their longest usual text. */
function worstCaseText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(worstCaseText);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    if (typeof obj.Ref === 'string')
      return PSEUDO_PARAMETERS[obj.Ref] ?? 'x'.repeat(RESOURCE_REFERENCE_CHARS);
    if (Array.isArray(obj['Fn::GetAtt'])) return 'x'.repeat(RESOURCE_REFERENCE_CHARS);
    const join = obj['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1]))
      return (join[1] as unknown[]).map((part) => String(worstCaseText(part))).join(join[0]);
  }
  return Object.fromEntries(keys.map((key) => [key, worstCaseText(obj[key])]));
}

/**
 * The characters a resolved value takes in a minified policy (IAM does not count white space),
 * estimated on the high side (see `worstCaseText`).
 */
export function estimateJsonChars(stack: Stack, value: unknown): number {
  return JSON.stringify(worstCaseText(stack.resolve(value))).length;
}

/**
 * The size the policy will have once CloudFormation resolves it, estimated on the high side, so
 * that a layout that would not fit fails at synthesis rather than half-way through a deployment.
 */
export function estimatePolicyChars(stack: Stack, statements: readonly PolicyStatement[]): number {
  if (statements.length === 0) return 0;
  return estimateJsonChars(stack, new PolicyDocument({ statements: [...statements] }).toJSON());
}
