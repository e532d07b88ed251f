import * as z from 'zod';
import { InputInvalidError } from '../core/errors';
import {
  checkResultSchema,
  evaluationTime,
  nextPollSeconds,
  nextWindow,
  pollWindowSchema,
  settleStep,
  timingFromPlan,
  type PollWindow,
  type StepVerdict,
} from '../core/orchestration';
import type { Plan } from '../core/plan/schema';
import { canaryLines, canaryPushStream } from '../core/queries';
import type { CheckResult, FailureCause } from '../core/report/types';
import { assessGrafanaCanary, assessGrafanaDatasource } from '../core/verify/grafana';
import type { Progress } from '../core/execution';
import { grafanaPlanOf } from './adapters/grafana-client';
import type { GrafanaClient } from './clients/grafana';
import { toNanos } from './clients/time';
import { causeFields, checkProgress } from './shared';

const STAGES = ['datasource', 'canary', 'done'] as const;

/** What the Grafana checkpoint keeps at `$.grafana` between polls. */
export const grafanaStateSchema = z.looseObject({
  stage: z.enum(STAGES),
  window: pollWindowSchema,
  checks: z.array(checkResultSchema),
});
export type GrafanaState = z.infer<typeof grafanaStateSchema>;

/** The Loki step's canary (`$.loki.canary`), which the Grafana checkpoint reads back. */
export const canaryStateSchema = z.object({ marker: z.string().min(1), pushedAtMs: z.number() });

export interface GrafanaCheckpointResult {
  readonly verdict: StepVerdict;
  readonly stage: (typeof STAGES)[number];
  readonly window: PollWindow;
  readonly checks: CheckResult[];
  readonly cause?: FailureCause;
  readonly causeText?: string;
  readonly progress: Progress;
  readonly waitSeconds: number;
}

// As the Loki step's read-back: a clock a little behind still finds the line.
const READ_BACK_BEFORE_MS = 60_000;
const REF_ID = 'A';

/**
 * One poll of the Grafana checkpoint: the datasource (exists, type loki, health OK), then the
 * canary through `POST /api/ds/query`, each stage with its own window of `grafana.deadline`. A
 * healthy Grafana costs one poll. Reads no `$.run`: a read-only mode can call it as is.
 */
export async function pollGrafanaCheckpoint(input: {
  readonly plan: Plan;
  readonly prior: GrafanaState | undefined;
  readonly canary: z.infer<typeof canaryStateSchema> | undefined;
  readonly client: GrafanaClient;
  readonly now: () => number;
}): Promise<GrafanaCheckpointResult> {
  const { plan, client, now } = input;
  const grafana = grafanaPlanOf(plan);
  let stage = input.prior?.stage ?? 'datasource';
  let window = nextWindow(input.prior?.window, now(), grafana.deadline);
  const checks = [...(input.prior?.checks ?? [])] as CheckResult[];
  const result = (verdict: StepVerdict, check: CheckResult): GrafanaCheckpointResult => {
    const base = {
      verdict,
      stage,
      window,
      checks: verdict === 'pending' ? checks : [...checks, check],
      waitSeconds: nextPollSeconds(window, now(), timingFromPlan(plan).pollSeconds),
      progress: checkProgress(verdict, check),
    };
    if (verdict !== 'failed') return base;
    return { ...base, ...causeFields(undefined, check) };
  };

  if (stage === 'datasource') {
    const datasource = await client.datasource(grafana.datasourceUid);
    const health =
      datasource.status === 200 ? await client.datasourceHealth(grafana.datasourceUid) : undefined;
    const { verdict, check } = settleStep(
      assessGrafanaDatasource({
        uid: grafana.datasourceUid,
        grafanaUrl: grafana.url,
        datasource,
        ...(health ? { health } : {}),
      }),
      window,
      now(),
    );
    if (verdict !== 'passed') return result(verdict, check);
    checks.push(check);
    stage = 'canary';
    window = nextWindow(undefined, now(), grafana.deadline);
  }
  if (stage === 'done')
    throw new InputInvalidError('Grafana: the checkpoint already passed; nothing to poll');
  if (!input.canary)
    throw new InputInvalidError(
      'Grafana: bad event: state.loki.canary is missing; expected the Loki step to have pushed its canary',
    );
  const { marker, pushedAtMs } = input.canary;
  const atMs = evaluationTime(window, now());
  const pushed = canaryPushStream(marker, toNanos(pushedAtMs), { cluster: plan.cluster });
  const query = canaryLines(marker, { cluster: plan.cluster });
  const range = { startMs: pushedAtMs - READ_BACK_BEFORE_MS, endMs: atMs + 1 };
  const answer = await client.query(
    [
      {
        refId: REF_ID,
        datasource: { uid: grafana.datasourceUid, type: 'loki' },
        expr: query,
        queryType: 'range',
        maxLines: 10,
      },
    ],
    { fromMs: range.startMs, toMs: range.endMs },
  );
  const entry = pushed.values[0]!;
  const { verdict, check } = settleStep(
    assessGrafanaCanary({
      query,
      datasourceUid: grafana.datasourceUid,
      refId: REF_ID,
      window: range,
      pushed: { line: entry[1], timestampNs: entry[0], labels: pushed.stream },
      answer,
    }),
    window,
    atMs,
  );
  if (verdict === 'passed') stage = 'done';
  return result(verdict, check);
}
