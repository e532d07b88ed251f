import type { BundleFigure, BundlesResult } from './bundles';
import { renderTable } from './table';

type Json = Record<string, unknown>;

const kib = (bytes: number | undefined) => (bytes === undefined ? null : `${(bytes / 1024).toFixed(0)} KiB`);
const usd = (n: unknown) => (typeof n === 'number' ? `$${n.toFixed(4)}` : null);
const get = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), o);
const val = (v: unknown): string | number | null =>
  typeof v === 'number' || typeof v === 'string'
    ? v
    : v === null || v === undefined
      ? null
      : JSON.stringify(v);

function bundleRow(b: BundleFigure): (string | number | null)[] {
  if (b.missing) return [b.name, 'missing', null, null, null];
  return [
    b.name,
    kib(b.bytes),
    kib(b.gzipBytes),
    b.load?.requireMedianMs ?? null,
    b.load?.processMedianMs ?? null,
  ];
}

/** The results as the tables a reader compares; every figure's method is in results.json. */
export function printResults(r: Json): string {
  const out: string[] = [];
  const machine = r['machine'] as Json;
  out.push(
    `alloy-rollout benchmarks (${val(r['mode'])}) on Node ${val(machine['node'])}, ${val(machine['cpus'])} cores (${val(machine['cpuModel'])}), clock speed x${val(r['clockSpeed'])} (scale runs x${val(r['scaleClockSpeed'])})`,
  );

  const rehearsal = r['rehearsal'] as Json | undefined;
  if (rehearsal)
    out.push(
      `full rehearsal: ${val(rehearsal['status'])} in ${val(rehearsal['wallSeconds'])} s wall${rehearsal['failure'] ? ` (${val(rehearsal['failure'])})` : ''}`,
    );
  const overhead = r['overhead'] as Json | undefined;
  if (overhead) {
    out.push('', '1. Orchestration overhead per service (simulated seconds)');
    const rows = (overhead['services'] as Json[]).map((s) =>
      [
        s['service'],
        s['totalSeconds'],
        s['deploymentSeconds'],
        s['soakSeconds'],
        s['dataWaitSeconds'],
        s['overheadSeconds'],
        s['overheadRatio'],
        s['beforeUpdateSeconds'],
        s['afterSoakSeconds'],
        s['completionSeenAfterSeconds'],
        s['polls'],
        s['lambdaSeconds'],
      ].map(val),
    );
    out.push(
      renderTable(
        [
          'service',
          'total',
          'ecs deploy',
          'soak',
          'data waits',
          'overhead',
          'ratio',
          'before update',
          'after soak',
          'completion seen after',
          'polls',
          'lambda (real)',
        ],
        rows,
      ),
    );
    out.push(
      `median overhead ${val(overhead['medianOverheadSeconds'])} s, ratio ${val(overhead['medianOverheadRatio'])}; completion seen after ${val(overhead['meanCompletionSeenAfterSeconds'])} s on average (the soak counts from the completion itself)`,
    );
  }
  const rollback = r['rollback'] as Json | undefined;
  if (rollback) {
    out.push('', '2. Time to detect and roll back (simulated seconds from the first bad line in Loki)');
    const row = (f: Json) =>
      [
        f['fault'],
        f['status'],
        f['failedCheck'],
        f['toVerdictSeconds'],
        f['verdictToRollbackUpdateSeconds'],
        f['toFirstRollbackUpdateSeconds'],
        f['toFirstCloudWatchVerifiedSeconds'],
        f['toAllCloudWatchVerifiedSeconds'],
      ].map(val);
    const midSoak = rollback['midSoak'] as Json | undefined;
    out.push(
      renderTable(
        [
          'fault',
          'status',
          'failed check',
          'to verdict',
          'verdict to UpdateService',
          'to 1st rollback UpdateService',
          'to 1st CloudWatch verified',
          'to all verified',
        ],
        [row(rollback), ...(midSoak ? [row(midSoak)] : [])],
      ),
    );
    if (rollback['error']) out.push(`${String(rollback['error'])} (${val(rollback['failure'])})`);
  }
  const cost = r['cost'] as Json | undefined;
  if (cost) {
    out.push('', '3. Cost per migrated service');
    const row = (name: string, u: unknown) =>
      [
        name,
        get(u, 'stateTransitions'),
        get(u, 'lambdaInvocations'),
        get(u, 'lambdaBilledMs'),
        get(u, 'awsApiCalls'),
        get(u, 'httpQueries'),
      ].map(val);
    out.push(
      renderTable(
        ['', 'transitions', 'lambda calls', 'billed ms', 'AWS API calls', 'Loki/AMP queries'],
        [row('per service', cost['perService']), row('per rollout (fixed)', cost['fixed'])],
      ),
    );
    const c = get(cost, 'hundredServices', 'cost');
    out.push(
      `100 services: Step Functions ${usd(get(c, 'stepFunctionsUsd'))} + Lambda ${usd(get(c, 'lambdaComputeUsd'))} compute + ${usd(get(c, 'lambdaRequestsUsd'))} requests = ${usd(get(c, 'totalUsd'))} (${val(get(r, 'prices', 'note'))}, ${val(get(r, 'prices', 'lambdaMemoryMb'))} MB)`,
    );
  }
  const scale = r['scale'] as Json | undefined;
  if (scale) {
    out.push('', `4. Scale (clock x${val(scale['clockSpeed'])})`);
    out.push(
      renderTable(
        [
          'services',
          'children ok',
          'below 256 KiB',
          'wall s',
          'executions',
          'parent events',
          'max child events',
          'max parent payload B',
          'events/service',
          'payload B/service',
        ],
        [
          [
            scale['services'],
            scale['servicesDone'],
            scale['servicesBelowPayloadLimit'],
            scale['wallSeconds'],
            scale['executions'],
            scale['parentEvents'],
            scale['childEventsMax'],
            scale['parentMaxPayloadBytes'],
            scale['parentEventsPerService'],
            scale['parentPayloadBytesPerService'],
          ].map(val),
        ],
      ),
    );
    out.push(`status ${val(scale['status'])}${scale['failure'] ? `: ${val(scale['failure'])}` : ''}`);
    out.push(
      `largest rollout in one execution: ${val(scale['largestRolloutByEvents'])} services by the 25,000-event limit, ${val(scale['largestRolloutByPayload'])} by the 256 KiB state payload`,
    );
  }
  const bundles = r['bundles'] as BundlesResult | undefined;
  if (bundles) {
    out.push(
      '',
      `5. Bundles (load = median require ms in a fresh process; an empty process takes ${bundles.emptyProcessMedianMs} ms)`,
    );
    out.push(
      renderTable(
        ['bundle', 'size', 'gzip', 'require ms', 'process ms'],
        [...bundles.lambdas, bundles.action].map(bundleRow),
      ),
    );
  }
  const following = r['following'] as Json | undefined;
  if (following) {
    out.push('', '6. Following cost');
    out.push(
      `${val(following['requests'])} Step Functions requests over ${val(following['rolloutSimulatedMinutes'])} simulated minutes = ${val(following['requestsPerMinute'])} per minute ${val(following['byOperation'])}`,
    );
    const latency = following['stepLineLatency'] as Json | null | undefined;
    const clock = latency?.['followerClock'] as Json | undefined;
    if (latency && clock)
      out.push(
        `step lines trail their events by ${val(clock['medianMs'])} ms median, ${val(clock['p95Ms'])} ms p95, ${val(clock['worstMs'])} ms worst on the follower's clock; ${val(clock['linesOverBound'])} of ${val(latency['lines'])} lines over ${val(clock['boundMs'])} ms`,
      );
  }
  const shadow = r['shadow'] as Json | undefined;
  if (shadow) {
    out.push('', '7. Shadow step (per service that ran one)');
    for (const s of (shadow['services'] as Json[] | undefined) ?? [])
      out.push(
        `${val(s['service'])}: +${val(s['addedSeconds'])} simulated s, ${val(s['stateTransitions'])} state transitions, ${val(s['lambdaInvocations'])} Lambda invocations, ${val(s['awsApiCalls'])} AWS calls (${val(s['cloudWatchLogsCalls'])} CloudWatch Logs), ${val(s['httpQueries'])} Loki/AMP queries, ${val(s['duplicateLines'])} lines ingested by both CloudWatch and Loki; last count ${val(s['lastCount'])}`,
      );
  }
  return out.join('\n');
}
