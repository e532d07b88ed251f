import * as z from 'zod';

/**
 * Seed 003's Property 4 is about the pipeline preserving JSON, not about the application never
 * printing plain text (a start-up banner, a Go panic trace). So the JSON check is differential:
 * the share of non-JSON lines in Loki after the switch is compared with the share the same
 * service had in CloudWatch before it, measured by Register before anything changed.
 */

/**
 * Whether Loki's `| json` parses the line: a JSON object, leading whitespace allowed. Loki's
 * parser (pkg/logql/log/parser.go, JSONParser.Process over jsonparser.ObjectEach) sets
 * `__error__="JSONParserErr"` for anything else, arrays and bare values included; the sandbox's
 * Loki twin (sandbox/loki/logql/parsers.ts, extractJson) follows the same rule.
 */
export function isJsonObjectLine(line: string): boolean {
  if (!line.trimStart().startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Fewer lines than this say too little about a share: one banner among 5 lines is 20 %. A
 * baseline that small counts as unavailable, and Loki's share is not judged until its window
 * holds this many lines of the new tasks.
 */
export const MIN_JSON_SHARE_LINES = 20;

/** Plain lines that fail a share above the allowance before MIN_JSON_SHARE_LINES lines are in. */
export const EARLY_NON_JSON_LINES = 5;

/** What Register measured in CloudWatch before the switch (`$.register.baseline.logs`). */
export const jsonBaselineSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('measured'),
    /** Lines read (a sample when the window held more than the reader takes). */
    lines: z.number().int().nonnegative(),
    nonJsonLines: z.number().int().nonnegative(),
    /** nonJsonLines / lines. */
    share: z.number().min(0).max(1),
    window: z.object({ startMs: z.number(), endMs: z.number() }),
    /** Where the lines came from, e.g. the FilterLogEvents calls made. */
    source: z.string(),
    /** True when the window held more lines than were read. */
    sampled: z.boolean(),
  }),
  z.object({
    kind: z.literal('unavailable'),
    /** Why, in words a reader of the report understands. */
    reason: z.string(),
  }),
]);
export type JsonBaseline = z.infer<typeof jsonBaselineSchema>;

/** The baseline from the lines read: unavailable when there are too few to say anything. */
export function jsonBaselineOf(input: {
  readonly lines: readonly string[];
  readonly window: { readonly startMs: number; readonly endMs: number };
  readonly source: string;
  readonly sampled: boolean;
}): JsonBaseline {
  const total = input.lines.length;
  if (total < MIN_JSON_SHARE_LINES)
    return {
      kind: 'unavailable',
      reason: `only ${total} line(s) in CloudWatch in the window before the switch (${input.source}); at least ${MIN_JSON_SHARE_LINES} are needed for a share`,
    };
  const nonJsonLines = input.lines.filter((l) => !isJsonObjectLine(l)).length;
  return {
    kind: 'measured',
    lines: total,
    nonJsonLines,
    share: nonJsonLines / total,
    window: { startMs: input.window.startMs, endMs: input.window.endMs },
    source: input.source,
    sampled: input.sampled,
  };
}

export interface JsonShareRule {
  /** The baseline from CloudWatch; absent when the run carried none (e.g. a state from before it existed). */
  readonly baseline?: JsonBaseline | undefined;
  /** How far Loki's share may exceed the baseline's (the plan's maxJsonErrorIncrease). */
  readonly maxIncrease: number;
  /** The absolute ceiling used when there is no baseline (the plan's maxJsonErrorRatio). */
  readonly maxRatioWithoutBaseline: number;
}

export interface JsonShareJudgement {
  /** `failed` when the pipeline broke JSON; `not-judged` with too few lines; `ok` otherwise. */
  readonly outcome: 'ok' | 'failed' | 'not-judged';
  /** Why, for the check's message (always set when failed or not judged). */
  readonly message: string;
  /** Loki's share, the allowed share and how the allowance was derived, for the evidence. */
  readonly evidence: Record<string, unknown>;
}

function percent(share: number): string {
  const p = share * 100;
  const digits = p === 0 || p >= 10 ? 0 : p >= 1 ? 1 : 2;
  // Number() drops trailing zeros: 0.20 reads 0.2 %.
  return `${Number(p.toFixed(digits))}%`;
}

/**
 * Loki's non-JSON share against the allowance: the baseline's share plus the margin, or, without
 * a usable baseline, the absolute ceiling. The message names JSON, so a broken pipeline is the
 * cause a reader sees, never a side effect of it.
 */
export function judgeJsonShare(
  loki: { readonly lines: number; readonly nonJsonLines: number },
  rule: JsonShareRule,
): JsonShareJudgement {
  const share = loki.lines > 0 ? loki.nonJsonLines / loki.lines : 0;
  const baseline = rule.baseline;
  const measured = baseline?.kind === 'measured' ? baseline : undefined;
  const allowed = measured ? Math.min(1, measured.share + rule.maxIncrease) : rule.maxRatioWithoutBaseline;
  const evidence: Record<string, unknown> = {
    lokiLines: loki.lines,
    lokiNonJsonLines: loki.nonJsonLines,
    lokiNonJsonShare: round(share),
    allowedNonJsonShare: round(allowed),
    baseline: measured
      ? {
          share: round(measured.share),
          lines: measured.lines,
          nonJsonLines: measured.nonJsonLines,
          sampled: measured.sampled,
          source: measured.source,
          window: {
            start: new Date(measured.window.startMs).toISOString(),
            end: new Date(measured.window.endMs).toISOString(),
          },
        }
      : null,
    ...(measured
      ? { maxIncrease: rule.maxIncrease }
      : {
          baselineUnavailable:
            baseline?.kind === 'unavailable' ? baseline.reason : 'no baseline was recorded',
          maxRatioWithoutBaseline: rule.maxRatioWithoutBaseline,
        }),
  };
  if (share <= allowed) {
    if (loki.lines >= MIN_JSON_SHARE_LINES) return { outcome: 'ok', message: '', evidence };
    return {
      outcome: 'not-judged',
      message: `JSON share not judged yet: ${loki.lines} line(s) of the new tasks in Loki, at least ${MIN_JSON_SHARE_LINES} needed`,
      evidence,
    };
  }
  // Above the allowance: failed only when chance cannot explain it (the share's 99 % lower bound is
  // above the allowance too), and, before the window holds MIN_JSON_SHARE_LINES, only once it holds
  // EARLY_NON_JSON_LINES plain lines: a pipeline that breaks every line fails on its first five,
  // while a start-up banner (the baseline, read under ADOT in steady state, has none) waits for
  // more lines instead of rolling back a healthy service.
  const lower = wilsonLowerBound(loki.nonJsonLines, loki.lines);
  evidence.lokiNonJsonShareLowerBound = round(lower);
  const counts = `${loki.nonJsonLines} of ${loki.lines}`;
  if (lower <= allowed || (loki.lines < MIN_JSON_SHARE_LINES && loki.nonJsonLines < EARLY_NON_JSON_LINES))
    return {
      outcome: 'not-judged',
      message: `JSON share not judged yet: ${percent(share)} of lines not JSON in Loki (${counts}), above the allowed ${percent(allowed)}, but too few lines to tell from chance or a start-up banner (99% lower bound ${percent(lower)})`,
      evidence,
    };
  const message = measured
    ? `JSON broken by the pipeline: ${percent(share)} of lines are not JSON in Loki (${counts}) against ${percent(measured.share)} in CloudWatch before the switch (allowed increase ${percent(rule.maxIncrease)})`
    : `JSON broken: ${percent(share)} of lines are not JSON in Loki (${counts}), above the ${percent(rule.maxRatioWithoutBaseline)} allowed without a CloudWatch baseline (${String(evidence.baselineUnavailable)})`;
  return { outcome: 'failed', message, evidence };
}

/** One-sided 99 % normal quantile. */
const Z_99 = 2.326;

/**
 * The Wilson score interval's lower bound of a proportion (Wilson, 1927; the interval most
 * statistics texts recommend over the normal approximation for small samples and shares near 0
 * or 1): the share is above this with 99 % confidence.
 */
export function wilsonLowerBound(successes: number, trials: number, z = Z_99): number {
  if (trials <= 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
