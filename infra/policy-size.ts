import type { Stack } from 'aws-cdk-lib';
import { PolicyDocument, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { nagResourceText } from './nag';

/** IAM's limit for one customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

const INTRINSIC_KEYS = new Set(['Ref', 'Fn::GetAtt', 'Fn::Join']);
const isIntrinsic = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  INTRINSIC_KEYS.has(Object.keys(value)[0] ?? '');

/**
 * The size the policy will have once CloudFormation resolves it, estimated on the high side
 * (pseudo parameters replaced by their longest usual values), so that a plan too large for one
 * policy fails at synthesis with a clear message rather than half-way through a deployment.
 */
export function estimatePolicyChars(stack: Stack, statements: readonly PolicyStatement[]): number {
  if (statements.length === 0) return 0;
  const resolved: unknown = stack.resolve(new PolicyDocument({ statements: [...statements] }).toJSON());
  const text = JSON.stringify(resolved, (_key, value: unknown) =>
    isIntrinsic(value) ? nagResourceText(value) : value,
  );
  return text
    .replaceAll('<AWS::Partition>', 'aws-us-gov')
    .replaceAll('<AWS::AccountId>', '123456789012')
    .replaceAll('<AWS::Region>', 'ap-southeast-1')
    .replaceAll('<AWS::URLSuffix>', 'amazonaws.com').length;
}
