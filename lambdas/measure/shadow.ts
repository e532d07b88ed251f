import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { latestSamples } from '../../core/queries/results';
import { shadowLinesByStream } from '../../core/queries/shadow';
import type { Plan } from '../../core/plan/schema';
import type { Measurement, TimeWindow } from '../../core/verify';
import type { ShadowStreamRef } from '../../core/verify/shadow';
import type { MetricSample } from '../../core/queries/results';
import { awsCall } from '../adapters/aws-errors';
import { lokiClientFor } from '../adapters/loki-client';
import { measure } from '../adapters/observability';

/** FilterLogEvents accepts at most 100 stream names per request (CloudWatch Logs API reference). */
const STREAMS_PER_REQUEST = 100;

/** What the shadow counts took, for the evidence and the cost figure. */
export interface ShadowCounts {
  readonly cloudwatch: Measurement<Readonly<Record<string, number>>>;
  readonly loki: Measurement<readonly MetricSample[]>;
  readonly requests: { readonly cloudwatch: number; readonly loki: number };
}

/**
 * Both sides of the shadow comparison over one window: CloudWatch events per awslogs stream
 * (FilterLogEvents on the named streams, every page: startTime is inclusive, so it starts 1 ms
 * after the window's start to count over (start, end] as Loki's range does) and Loki lines per
 * task and container (one instant query at the window's end).
 */
export async function measureShadowCounts(input: {
  readonly plan: Plan;
  readonly logs: CloudWatchLogsClient;
  readonly service: string;
  readonly streams: readonly ShadowStreamRef[];
  readonly window: TimeWindow;
}): Promise<ShadowCounts> {
  const { plan, window } = input;
  let cloudwatchRequests = 0;
  const byGroup = new Map<string, string[]>();
  for (const s of input.streams) byGroup.set(s.logGroup, [...(byGroup.get(s.logGroup) ?? []), s.logStream]);
  const from = new Date(window.startMs).toISOString();
  const to = new Date(window.endMs).toISOString();
  const description = `FilterLogEvents ${[...byGroup.keys()].join(', ')} (${input.streams.length} stream(s)) over (${from}, ${to}]`;
  const cloudwatch = await measure(description, async () => {
    const counts: Record<string, number> = {};
    for (const [logGroupName, names] of byGroup) {
      for (let i = 0; i < names.length; i += STREAMS_PER_REQUEST) {
        const logStreamNames = names.slice(i, i + STREAMS_PER_REQUEST);
        for (const n of logStreamNames) counts[n] ??= 0;
        let nextToken: string | undefined;
        do {
          const page = await awsCall(`logs:FilterLogEvents ${logGroupName}`, () =>
            input.logs.send(
              new FilterLogEventsCommand({
                logGroupName,
                logStreamNames,
                startTime: window.startMs + 1,
                endTime: window.endMs,
                ...(nextToken ? { nextToken } : {}),
              }),
            ),
          );
          cloudwatchRequests += 1;
          for (const e of page.events ?? [])
            if (e.logStreamName) counts[e.logStreamName] = (counts[e.logStreamName] ?? 0) + 1;
          nextToken = page.nextToken;
        } while (nextToken);
      }
    }
    return counts;
  });
  const lokiQuery = shadowLinesByStream(
    { cluster: plan.cluster, service: input.service },
    window.endMs - window.startMs,
  );
  const client = await lokiClientFor(plan);
  const loki = await measure(lokiQuery, async () =>
    latestSamples(await client.query(lokiQuery, window.endMs)),
  );
  return { cloudwatch, loki, requests: { cloudwatch: cloudwatchRequests, loki: 1 } };
}
