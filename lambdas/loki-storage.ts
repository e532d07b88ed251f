import * as z from 'zod';
import { DependencyRejectedError } from '../core/errors';
import { settleStep, type PollWindow, type StepVerdict } from '../core/orchestration';
import type { LokiStorageCheck, Plan } from '../core/plan/schema';
import type { CheckResult } from '../core/report/types';
import type { Assessment } from '../core/verify';
import { assessObjectStore, assessRetention, type LokiConfigRead } from '../core/verify/loki-config';
import { assessChunksFlushed, defaultChunkPrefix } from '../core/verify/loki-storage';
import { assessS3Endpoint } from '../core/verify/s3-endpoint';
import { describeService } from './adapters/ecs';
import { measure } from './adapters/observability';
import { listObjects } from './adapters/s3-objects';
import { readVpcRouting } from './adapters/vpc-routing';
import { createEc2Client } from './clients/aws-ec2';
import type { EcsClients } from './clients/aws-ecs';
import { createS3Client } from './clients/aws-s3';
import type { LokiClient } from './clients/loki';

/** What the storage stage keeps between polls: when it asked Loki to flush, and the answer. */
export const storageStateSchema = z.object({
  flushedAtMs: z.number(),
  flush: z.union([z.object({ status: z.number() }), z.object({ error: z.string() })]),
});
export type StorageState = z.infer<typeof storageStateSchema>;

export interface StorageInput {
  readonly plan: Plan;
  readonly aws: EcsClients;
  readonly loki: LokiClient;
  /** When the canary was pushed: chunks written since then are this rollout's. */
  readonly sinceMs: number;
  /** The checks already final (earlier stages, and the storage checks done in earlier polls). */
  readonly checks: readonly CheckResult[];
  readonly window: PollWindow;
  readonly nowMs: number;
  readonly state: StorageState | undefined;
}

export interface StorageStep {
  /** `passed` once every storage check is final; else the deciding check's verdict. */
  readonly verdict: StepVerdict;
  /** The check this poll ended on (the last one passed, or the pending/failed one). */
  readonly check: CheckResult;
  /** Checks that became final (passed or skipped) in this poll, in order. */
  readonly done: CheckResult[];
  readonly state: StorageState | undefined;
}

const CHECK_NAMES: Readonly<Record<LokiStorageCheck, string>> = {
  retention: 'loki-retention',
  'object-store': 'loki-object-store',
  's3-endpoint': 'loki-s3-endpoint',
  'chunks-flushed': 'loki-chunks-flushed',
};
/** The order the checks run in: flushing last, so the chunks have the other checks' time to land. */
const ORDER: readonly LokiStorageCheck[] = ['retention', 'object-store', 's3-endpoint', 'chunks-flushed'];

function skipped(check: LokiStorageCheck, why: string): CheckResult {
  return {
    name: CHECK_NAMES[check],
    verdict: 'skipped',
    message: `skipped: ${why}`,
    evidence: { values: { skipped: why } },
    durationMs: 0,
  };
}

/** Why a check does not run for this plan, or undefined when it runs. */
function skipReason(plan: Plan, check: LokiStorageCheck): string | undefined {
  if (plan.loki.skipChecks?.includes(check)) return `the plan's loki.skipChecks lists "${check}"`;
  if (check === 'retention' && !plan.loki.retention) return 'the plan states no loki.retention';
  // Without a bucket the plan does not say Loki stores in S3, so its route to S3 is not asked either.
  if (check !== 'retention' && !plan.loki.storage) return 'the plan states no loki.storage.bucket';
  if (check === 's3-endpoint' && !plan.loki.service && !plan.loki.subnets)
    return 'Loki runs outside the cluster and the plan gives no loki.subnets';
  return undefined;
}

/** Loki's /config, or how it refused (4xx) or failed; 5xx and timeouts go to the state's Retry. */
async function readConfig(plan: Plan, loki: LokiClient): Promise<LokiConfigRead> {
  const query = `GET ${plan.loki.url.replace(/\/+$/, '')}/config`;
  try {
    return { query, yaml: await loki.config() };
  } catch (error) {
    if (error instanceof DependencyRejectedError && typeof error.details['status'] === 'number')
      return {
        query,
        refused: { status: error.details['status'], body: String(error.details['body'] ?? '') },
      };
    // Throttling and 5xx are thrown again for the state's Retry; other named errors are answers.
    const read = await measure(query, () => Promise.reject(error as Error));
    return { query, error: 'error' in read ? read.error : String(error) };
  }
}

/** Loki's subnets: the plan's, else the ECS service's awsvpc configuration. */
async function lokiSubnets(
  plan: Plan,
  aws: EcsClients,
): Promise<{ subnets: string[]; from: string } | { problem: string }> {
  if (plan.loki.subnets) return { subnets: [...plan.loki.subnets], from: 'plan loki.subnets' };
  const name = plan.loki.service ?? '';
  const service = await describeService(aws.ecs, plan.cluster, name);
  const subnets = service.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
  if (subnets.length === 0)
    return {
      problem: `ECS service ${name} has no awsvpcConfiguration subnets (not awsvpc networking): name Loki's subnets in loki.subnets, or add "s3-endpoint" to loki.skipChecks`,
    };
  return { subnets, from: `ECS service ${name} (awsvpcConfiguration)` };
}

/**
 * One poll of the storage stage: runs, in order, each storage check not yet final, and stops at
 * the first that is not passed (pending and error are polled again until the stage's deadline).
 */
export async function pollStorage(input: StorageInput): Promise<StorageStep> {
  const { plan, loki, window, nowMs } = input;
  const done: CheckResult[] = [];
  let state = input.state;
  let config: LokiConfigRead | undefined;
  const finished = new Set(input.checks.map((c) => c.name));
  const configRead = async () => (config ??= await readConfig(plan, loki));

  const assess = async (check: LokiStorageCheck): Promise<Assessment> => {
    const bucket = plan.loki.storage?.bucket ?? '';
    switch (check) {
      case 'retention':
        return assessRetention({ read: await configRead(), retention: plan.loki.retention ?? '' });
      case 'object-store':
        return assessObjectStore({ read: await configRead(), bucket, nowMs });
      case 's3-endpoint': {
        const found = await lokiSubnets(plan, input.aws);
        if ('problem' in found)
          return { name: CHECK_NAMES[check], verdict: 'failed', message: found.problem, evidence: {} };
        const routing = await readVpcRouting(createEc2Client(plan.region), plan.region, found.subnets);
        return assessS3Endpoint({
          region: plan.region,
          subnetIds: found.subnets,
          subnetsFrom: found.from,
          ...routing,
        });
      }
      case 'chunks-flushed': {
        // Flushed once per execution: later polls only list, while the ingester uploads.
        if (!state) {
          const flushed = await measure('POST /flush', () => loki.flush());
          state = { flushedAtMs: nowMs, flush: 'data' in flushed ? flushed.data : { error: flushed.error } };
        }
        const prefix = plan.loki.storage?.prefix ?? defaultChunkPrefix(plan.loki.tenant);
        const listing = await measure(`s3:ListObjectsV2 s3://${bucket}/${prefix}`, () =>
          listObjects(createS3Client(plan.region), bucket, prefix),
        );
        return assessChunksFlushed({
          bucket,
          prefix,
          sinceMs: input.sinceMs,
          atMs: nowMs,
          flush: state.flush,
          listing: 'data' in listing ? listing.data : { error: listing.error },
        });
      }
    }
  };

  let last: CheckResult | undefined;
  for (const check of ORDER) {
    if (finished.has(CHECK_NAMES[check])) continue;
    const why = skipReason(plan, check);
    if (why) {
      last = skipped(check, why);
      done.push(last);
      continue;
    }
    const { verdict, check: result } = settleStep(await assess(check), window, nowMs);
    if (verdict !== 'passed') return { verdict, check: result, done, state };
    last = result;
    done.push(result);
  }
  const final = last ?? input.checks[input.checks.length - 1];
  if (!final) throw new Error('pollStorage: no storage check ran and none was done before');
  return { verdict: 'passed', check: final, done, state };
}
