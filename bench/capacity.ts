/** Step Functions quotas that bound one execution. */
export const EXECUTION_LIMITS = {
  /** Events in one execution's history. */
  historyEvents: 25_000,
  /** Bytes of one state's input or output. */
  payloadBytes: 262_144,
} as const;

/** A quantity that grows linearly with the number of services: fixed + perService * n. */
export interface LinearFit {
  readonly fixed: number;
  readonly perService: number;
}

/** The line through two measurements (n1, y1) and (n2, y2), n1 != n2. */
export function fitLine(n1: number, y1: number, n2: number, y2: number): LinearFit {
  if (n1 === n2)
    throw new RangeError(`two different service counts are needed to fit a line, got ${n1} twice`);
  const perService = (y2 - y1) / (n2 - n1);
  return { fixed: y1 - perService * n1, perService };
}

/** The largest service count whose value stays within `limit`; null when it does not grow (no bound). */
export function largestWithin(fit: LinearFit, limit: number): number | null {
  if (fit.perService <= 0) return fit.fixed <= limit ? null : 0;
  return Math.max(0, Math.floor((limit - fit.fixed) / fit.perService));
}
