import {
  CloudWatchLogsClient,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { writeFile } from 'node:fs/promises';

/** The orchestrator's functions are alloy-rollout-<LambdaId>; Lambda logs each to /aws/lambda/<name>. */
const GROUP_PREFIX = '/aws/lambda/alloy-rollout-';

/** One Powertools line as CloudWatch Logs holds it, with the function that wrote it. */
export interface LambdaLogLine {
  readonly functionName: string;
  readonly timestamp: number;
  /** The line as written (JSON). */
  readonly message: string;
  /** The line parsed; empty when it is not JSON (something printed outside the Logger). */
  readonly fields: Readonly<Record<string, unknown>>;
}

function parse(message: string): Record<string, unknown> {
  try {
    const value = JSON.parse(message) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Every line the orchestrator's Lambdas wrote, read back as an operator would: DescribeLogGroups
 * for the functions' groups, then FilterLogEvents on each, through the SDK client (pointed at the
 * sandbox by its environment). In time order.
 */
export async function collectLambdaLogs(region: string): Promise<LambdaLogLine[]> {
  const client = new CloudWatchLogsClient({ region });
  try {
    const lines: LambdaLogLine[] = [];
    for await (const page of paginateDescribeLogGroups({ client }, { logGroupNamePrefix: GROUP_PREFIX }))
      for (const group of page.logGroups ?? []) {
        const name = group.logGroupName ?? '';
        const functionName = name.slice('/aws/lambda/'.length);
        for await (const events of paginateFilterLogEvents({ client }, { logGroupName: name }))
          for (const e of events.events ?? [])
            lines.push({
              functionName,
              timestamp: e.timestamp ?? 0,
              message: e.message ?? '',
              fields: parse(e.message ?? ''),
            });
      }
    return lines.sort((a, b) => a.timestamp - b.timestamp);
  } finally {
    client.destroy();
  }
}

/** Writes the lines as JSON Lines, each the Powertools line as the function wrote it. */
export async function writeLambdaLogs(file: string, lines: readonly LambdaLogLine[]): Promise<void> {
  await writeFile(file, lines.map((l) => `${l.message}\n`).join(''));
}

const SHOWN = 8;

function describe(l: LambdaLogLine): string {
  const f = l.fields;
  const who = [f['lambdaId'] ?? l.functionName, f['rolloutService']].filter(Boolean).join(' ');
  return `  ${String(f['timestamp'] ?? new Date(l.timestamp).toISOString())} ${String(f['level'] ?? '?')} ${who}: ${String(f['message'] ?? l.message)}`;
}

/**
 * The rehearsal's short view of the orchestrator's log: lines per Lambda, where the file is, and
 * the decisions that matter: when the run did not succeed, the last warning and error lines (the
 * failing step's decisions and checks, and any thrown error), else the last decisions.
 */
export function renderOrchestratorLog(
  lines: readonly LambdaLogLine[],
  file: string,
  succeeded: boolean,
): string {
  const perFunction = new Map<string, number>();
  for (const l of lines) perFunction.set(l.functionName, (perFunction.get(l.functionName) ?? 0) + 1);
  const counts = [...perFunction].map(([name, n]) => `${name.replace(/^alloy-rollout-/, '')} ${n}`);
  const picked = succeeded
    ? lines.filter((l) => l.fields['kind'] === 'decision').slice(-SHOWN)
    : lines.filter((l) => l.fields['level'] === 'WARN' || l.fields['level'] === 'ERROR').slice(-SHOWN);
  const heading = succeeded ? 'last decisions' : 'the failing decisions (last warnings and errors)';
  return [
    `Orchestrator log: ${lines.length} Powertools line(s) from ${perFunction.size} Lambda(s) in ${file}`,
    `  lines per Lambda: ${counts.join(', ') || 'none'}`,
    ...(picked.length > 0 ? [`  ${heading}:`, ...picked.map(describe)] : []),
    '',
  ].join('\n');
}
