import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Plan } from '../../core/plan/schema';
import type { AnyTaskDefinition } from '../../core/taskdef';
import { jsonBaselineOf, type JsonBaseline } from '../../core/verify/json-share';
import { jsonBaselineSources, type CloudWatchLogSource } from '../../core/verify/json-baseline-sources';
import { translateAwsError } from '../adapters/aws-errors';

/**
 * Lines read per main container: enough for a share to 1-2 %, and a bounded cost. FilterLogEvents
 * is not billed per byte scanned (Logs Insights is, per GB), and a page holds up to 10,000 events
 * or 1 MB, so a container costs a few calls; the window's earliest lines are the sample.
 */
export const MAX_LINES_PER_CONTAINER = 1000;

/**
 * FilterLogEvents may answer a page with no events and a nextToken (it searches a bounded span per
 * call, per the API reference): a few pages more, then the sample is what was found.
 */
const MAX_PAGES_PER_CONTAINER = 5;

interface Read {
  readonly lines: string[];
  /** The container had more lines in the window than were read. */
  readonly more: boolean;
}

async function readSource(
  logs: CloudWatchLogsClient,
  source: CloudWatchLogSource,
  window: { readonly startMs: number; readonly endMs: number },
): Promise<Read> {
  const lines: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const out = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: source.logGroupName,
        ...(source.logStreamNamePrefix ? { logStreamNamePrefix: source.logStreamNamePrefix } : {}),
        startTime: window.startMs,
        endTime: window.endMs,
        limit: MAX_LINES_PER_CONTAINER - lines.length,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const e of out.events ?? []) if (typeof e.message === 'string') lines.push(e.message);
    nextToken = out.nextToken;
    pages += 1;
  } while (nextToken && lines.length < MAX_LINES_PER_CONTAINER && pages < MAX_PAGES_PER_CONTAINER);
  return { lines, more: nextToken !== undefined };
}

function describeSource(s: CloudWatchLogSource): string {
  return `${s.logGroupName}${s.logStreamNamePrefix ? ` streams ${s.logStreamNamePrefix}*` : ''}`;
}

/**
 * The service's share of lines that are not JSON in CloudWatch over the window before `atMs`, as
 * long as the logs check's window, read from the main containers of the definition it runs before
 * the switch. Never throws: a read that fails (no permission on the group, throttled) makes the
 * baseline unavailable with the reason, and the logs check falls back to the plan's absolute
 * ceiling and says why in its evidence; the migration itself does not depend on this figure.
 */
export async function measureJsonBaseline(input: {
  readonly logs: CloudWatchLogsClient;
  readonly plan: Plan;
  readonly taskDefinition: AnyTaskDefinition;
  readonly mainContainers: readonly string[];
  readonly atMs: number;
}): Promise<JsonBaseline> {
  const window = { startMs: input.atMs - input.plan.verification.logs.window, endMs: input.atMs };
  const { sources, notOnAwslogs } = jsonBaselineSources(input.taskDefinition, input.mainContainers);
  if (sources.length === 0)
    return {
      kind: 'unavailable',
      reason: `no main container logs to CloudWatch with awslogs (${notOnAwslogs.join(', ') || 'none'}): nothing to compare with`,
    };
  const lines: string[] = [];
  let sampled = false;
  for (const source of sources) {
    try {
      const read = await readSource(input.logs, source, window);
      lines.push(...read.lines);
      sampled ||= read.more;
    } catch (err) {
      const e = translateAwsError(err, `logs:FilterLogEvents ${source.logGroupName}`);
      return { kind: 'unavailable', reason: `could not read ${describeSource(source)}: ${e.message}` };
    }
  }
  const read = sources.map(describeSource).join(', ');
  const source = `FilterLogEvents on ${read}, up to ${MAX_LINES_PER_CONTAINER} lines per container${notOnAwslogs.length > 0 ? `; not on awslogs: ${notOnAwslogs.join(', ')}` : ''}`;
  return jsonBaselineOf({ lines, window, source, sampled });
}
