import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { WorkItem } from '../../../core/execution';

export const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:run-1';
export const HISTORY_TD =
  'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-history:7';
export const HISTORY_ALLOY_TD =
  'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-history:8';

export function planDoc(): Record<string, unknown> {
  return parse(readFileSync(join(__dirname, '../../../examples/plan.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** history as DescribeTaskDefinition returns it (ADOT + awslogs). */
export function describedHistory(): {
  taskDefinition: Record<string, unknown>;
  tags: { key: string; value: string }[];
} {
  return JSON.parse(readFileSync(join(__dirname, '../../../examples/task-definitions/history.json'), 'utf8'));
}

export const historyItem: WorkItem = {
  name: 'history',
  phase: 'core',
  ecsService: 'temporal-dev-temporal-history',
  taskDefinitionArn: HISTORY_TD,
  baselineArn: HISTORY_TD,
  seriesBaseline: 120,
};

export function event(action: string, state: Record<string, unknown>) {
  return { action, executionArn: EXECUTION_ARN, state: { plan: planDoc(), ...state } };
}

export function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

export const window = (startedAtMs = Date.now()) => ({ startedAtMs, allowanceMs: 60_000, attempts: 1 });
