import { analyse } from './figures';
import type { RehearsalRecord } from './rehearsal';

/** The child states the shadow step adds to a service's flow (statemachine/rollout.asl.json). */
export const SHADOW_STATES = new Set([
  'ShadowRoute',
  'UpdateServiceShadow',
  'ShadowWait',
  'VerifyShadow',
  'ShadowDone',
  'ShadowPollWait',
]);

interface ShadowValues {
  readonly totals?: { readonly cloudwatch: number; readonly loki: number; readonly completeness: number };
  readonly streams?: readonly unknown[];
  readonly requests?: { readonly cloudwatch: number; readonly loki: number };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The shadow step's added time and cost for each service that ran one: simulated time from the
 * shadow update to the final update (UpdateServiceShadow entered to UpdateService entered, on the
 * product's simulated clock), the states and Lambda invocations of the shadow states, the product's
 * requests in that span (AWS calls and Loki queries, the last VerifyShadow's CloudWatch and Loki
 * requests apart), and the duplicate ingestion: lines that reached both CloudWatch and Loki, counted
 * over the window and extrapolated to the whole shadow span at the same rate.
 */
export function shadowCost(record: RehearsalRecord) {
  const { children, time } = analyse(record);
  return children
    .filter((c) => c.mode === 'service-migrate')
    .flatMap((c) => {
      const events = c.trace.events;
      const entered = (state: string) =>
        events.find((e) => e.type.endsWith('StateEntered') && e.stateName === state);
      const from = entered('UpdateServiceShadow');
      const to = entered('UpdateService');
      if (!from || !to) return [];
      const shadowEntered = events.filter(
        (e) => e.type.endsWith('StateEntered') && SHADOW_STATES.has(e.stateName ?? ''),
      );
      const lastCheck = events
        .filter((e) => e.type === 'TaskStateExited' && e.stateName === 'VerifyShadow' && e.data)
        .map(
          (e) =>
            JSON.parse(e.data as string) as {
              shadowVerify?: { check?: { evidence?: { values?: unknown } } };
            },
        )
        .pop()?.shadowVerify?.check;
      const values = (lastCheck?.evidence?.values ?? {}) as ShadowValues;
      const windowSeconds = Number.parseFloat(
        /over (\d+)s/.exec(JSON.stringify(lastCheck?.evidence ?? {}))?.[1] ?? 'NaN',
      );
      const requests = record.requests.filter(
        (r) => r.origin === undefined && r.atMs >= from.timestampMs && r.atMs <= to.timestampMs,
      );
      const addedSeconds = round(time.between(from.timestampMs, to.timestampMs) / 1000, 1);
      const linesPerSecond =
        values.totals && windowSeconds > 0 ? values.totals.cloudwatch / windowSeconds : undefined;
      return [
        {
          service: c.service?.name ?? '',
          addedSeconds,
          stateTransitions: shadowEntered.length,
          lambdaInvocations: shadowEntered.filter((e) => e.type === 'TaskStateEntered').length,
          productRequests: requests.length,
          awsApiCalls: requests.filter((r) => !r.operation.startsWith('HTTP ')).length,
          cloudWatchLogsCalls: requests.filter((r) => /Logs_\d+\.|Logs\./.test(r.operation)).length,
          httpQueries: requests.filter((r) => r.operation.startsWith('HTTP ')).length,
          lastCount: {
            windowSeconds,
            streams: values.streams?.length ?? 0,
            totals: values.totals ?? null,
            requests: values.requests ?? null,
          },
          duplicateLines: linesPerSecond === undefined ? null : Math.round(linesPerSecond * addedSeconds),
        },
      ];
    });
}
