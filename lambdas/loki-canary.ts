import { now } from './clock';
import { randomUUID } from 'node:crypto';
import type { Plan } from '../core/plan/schema';
import { canaryLines, canaryPushStream } from '../core/queries';
import { assessCanary, type Assessment } from '../core/verify';
import { measure } from './adapters/observability';
import type { LokiClient } from './clients/loki';
import { toNanos } from './clients/time';

/** What the Loki step keeps of its canary between polls: the nonce and when it was pushed. */
export interface CanaryState {
  readonly marker: string;
  readonly pushedAtMs: number;
}

// How far before the push the read-back looks, so a clock a little behind still finds the line.
const READ_BACK_BEFORE_MS = 60_000;

/**
 * Pushes one canary line, with a nonce unique to the execution and the push, and returns the state
 * to keep with a pending assessment. A push Loki refuses (an error body) stored nothing: no state
 * is returned, so the next poll pushes again, and the assessment is an `error` naming the refusal.
 */
export async function pushCanary(
  loki: LokiClient,
  plan: Plan,
  executionArn: string,
): Promise<
  { readonly canary: CanaryState; readonly assessment: Assessment } | { readonly assessment: Assessment }
> {
  const pushedAtMs = now();
  const nonce = `${executionArn.split(':').pop() ?? 'run'}-${randomUUID()}`;
  const push = await measure('POST /loki/api/v1/push', () =>
    loki.push([canaryPushStream(nonce, toNanos(pushedAtMs), { cluster: plan.cluster })]),
  );
  if ('error' in push) {
    return {
      assessment: {
        name: 'loki-canary',
        verdict: 'error',
        message: `Loki refused the canary push: ${push.error}`,
        evidence: { query: push.query, values: { error: push.error } },
      },
    };
  }
  return {
    canary: { marker: nonce, pushedAtMs },
    assessment: {
      name: 'loki-canary',
      verdict: 'pending',
      message: `canary line pushed at ${new Date(pushedAtMs).toISOString()}; read back from the next poll`,
      evidence: { values: { nonce, pushedAt: new Date(pushedAtMs).toISOString() } },
    },
  };
}

/**
 * Reads the canary back as Loki stood at `atMs` (the stage's deadline at the latest, so a line
 * stored later does not count) and judges it against the exact entry that was pushed. Stream
 * labels are asked for without structured metadata mixed in, so they compare with the pushed ones.
 */
export async function readCanary(
  loki: LokiClient,
  plan: Plan,
  canary: CanaryState,
  atMs: number,
): Promise<Assessment> {
  const pushed = canaryPushStream(canary.marker, toNanos(canary.pushedAtMs), { cluster: plan.cluster });
  const query = canaryLines(canary.marker, { cluster: plan.cluster });
  // Loki's end bound is exclusive: one millisecond more includes a line stamped exactly at atMs.
  const window = { startMs: canary.pushedAtMs - READ_BACK_BEFORE_MS, endMs: atMs + 1 };
  const read = await measure(query, () =>
    loki.queryRange(query, {
      start: window.startMs,
      end: window.endMs,
      limit: 10,
      direction: 'backward',
      categorizeLabels: true,
    }),
  );
  const entry = pushed.values[0]!;
  return 'data' in read
    ? assessCanary({
        name: 'loki-canary',
        query,
        pushed: { labels: pushed.stream, line: entry[1], timestampNs: entry[0] },
        window,
        data: read.data,
      })
    : {
        name: 'loki-canary',
        verdict: 'error',
        message: `could not read the canary back: ${read.error}`,
        evidence: { query, values: { error: read.error } },
      };
}
