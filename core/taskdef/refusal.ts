import { UnmigratableError } from '../errors';

/** Stable reason codes of UnmigratableError (details.reason); callers and tests match on them. */
export const REFUSAL_REASONS = {
  fargate: 'fargate',
  noAdot: 'no-adot',
  multipleAdot: 'multiple-adot',
  unknownMainContainer: 'unknown-main-container',
  nameClash: 'name-clash',
  noEssentialLeft: 'no-essential-left',
  collectorDependency: 'collector-dependency',
  bridgeScrape: 'bridge-scrape',
  networkMode: 'network-mode',
  noExecutionRole: 'no-execution-role',
  noTaskRole: 'no-task-role',
  operatingSystem: 'operating-system',
  portClash: 'port-clash',
  budget: 'budget',
  unreadableLogDriver: 'unreadable-log-driver',
  /** A shadow step cannot tell a main container's CloudWatch stream per task (see taskdef/shadow.ts). */
  shadowStream: 'shadow-stream',
} as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[keyof typeof REFUSAL_REASONS];

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

/**
 * One error listing every reason at once; `details.reason` is the first (checks run from the
 * most fundamental, e.g. Fargate, to the most fixable, e.g. the budget).
 */
export function unmigratable(
  family: string,
  service: string,
  refusals: readonly Refusal[],
  extra: Record<string, unknown> = {},
): UnmigratableError {
  const [first] = refusals;
  const lines = refusals.map((r) => `  - [${r.reason}] ${r.message}`).join('\n');
  return new UnmigratableError(
    `cannot migrate task definition family "${family}" (service "${service}"):\n${lines}`,
    {
      family,
      service,
      reason: first?.reason,
      reasons: refusals.map((r) => r.reason),
      problems: refusals.map((r) => r.message),
      ...extra,
    },
  );
}
