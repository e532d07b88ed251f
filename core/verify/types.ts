import type { CheckEvidence, CheckResult, Verdict } from '../report/types';

/**
 * What a client brought back for one query: the data, or the reason it could not be had (an error
 * body, a refused query). The query is kept either way because it is part of the evidence.
 */
export type Measurement<T> =
  { readonly query: string; readonly data: T } | { readonly query: string; readonly error: string };

/** A period in epoch milliseconds; evidence shows it as ISO timestamps. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * What an assessor decides, before `settle` adds how long the check has been running. A
 * CheckResult is also an Assessment, so a settled result can be settled again.
 */
export interface Assessment {
  readonly name: string;
  readonly verdict: Verdict;
  readonly message: string;
  readonly evidence: CheckEvidence;
  /**
   * When the deciding evidence came to be, if known and earlier than the measurement (an ECS
   * deployment's completion time): `settle` judges a pass against the deadline by this time.
   */
  readonly evidenceAtMs?: number;
  /**
   * When a `pending` answer becomes `failed` by itself (the earliest per-task absence deadline
   * still ahead): the next poll is brought forward to land on it, so absence is judged at the
   * deadline and not up to a poll interval later.
   */
  readonly nextDeadlineMs?: number;
  /**
   * Set on a `passed` answer with a part not judged yet (what and why): the answer counts for the
   * soak, but the service passes only once every check answers conclusively.
   */
  readonly inconclusive?: string;
}

export type { CheckEvidence, CheckResult, Verdict };
