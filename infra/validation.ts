import { LogLevel } from '@aws-lambda-powertools/logger';
import { InputInvalidError } from '../core/errors';

/**
 * Collects every problem with a construct's props so that one synth reports them all, each naming
 * the field, what was expected and what was given.
 */
export class PropProblems {
  private readonly problems: string[] = [];

  constructor(private readonly construct: string) {}

  /** Records a problem unless `ok`; `got` is shown as JSON so empty strings and undefined stand out. */
  expect(ok: boolean, field: string, expected: string, got: unknown): void {
    if (!ok) this.problems.push(`${field}: expected ${expected}, got ${describe(got)}`);
  }

  add(field: string, message: string): void {
    this.problems.push(`${field}: ${message}`);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const count = `${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}`;
    throw new InputInvalidError(`${this.construct}: ${count} in props\n  - ${this.problems.join('\n  - ')}`, {
      problems: [...this.problems],
    });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

export const PATTERNS = {
  /** ECS cluster/service names and similar. */
  name: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
  account: /^\d{12}$/,
  ssmPath: /^(\/[A-Za-z0-9_.-]+)+$/,
  /** A log group name; `*` allowed as a wildcard for names only known at run time. */
  logGroup: /^[A-Za-z0-9_./#*-]{1,512}$/,
  ampWorkspace: /^ws-[A-Za-z0-9-]+$/,
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  secretArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
  oidcProviderArn: /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/,
  githubRepository: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
} as const;

/**
 * The lock must outlive the execution that holds it. DynamoDB's TTL deletes an expired lock item at
 * some time after its expiry (the DynamoDB Time to Live documentation: typically within a few days
 * of expiring, with no fixed moment), so a lock that expired while its execution still ran could
 * vanish and let a second rollout in beside it. With TimeoutSeconds below the lock's lifetime,
 * Step Functions ends the execution (TIMED_OUT) before its lock can expire.
 */
export function checkLockLifetime(
  problems: PropProblems,
  executionTimeoutSeconds: number,
  lockTtlSeconds: number,
): void {
  problems.expect(
    Number.isInteger(executionTimeoutSeconds) &&
      executionTimeoutSeconds >= LOCK_LIFETIME_BOUNDS.minExecutionTimeoutSeconds &&
      executionTimeoutSeconds <= LOCK_LIFETIME_BOUNDS.maxExecutionTimeoutSeconds,
    'executionTimeout',
    'a whole number of seconds between 1 minute and 1 year (a Standard execution runs at most one year)',
    `${executionTimeoutSeconds} seconds`,
  );
  if (lockTtlSeconds <= executionTimeoutSeconds)
    problems.add(
      'lockTtl',
      `expected longer than executionTimeout (${executionTimeoutSeconds} s), got ${lockTtlSeconds} s: DynamoDB's TTL may delete an expired lock item, so a lock that expires before its execution's own timeout would let a second rollout in while the first still runs`,
    );
}

export const LOCK_LIFETIME_BOUNDS = {
  minExecutionTimeoutSeconds: 60,
  /** A Standard workflow's maximum duration, one year (Step Functions service quotas). */
  maxExecutionTimeoutSeconds: 365 * 24 * 3600,
} as const;

/**
 * The levels the Lambdas' Powertools Logger accepts in POWERTOOLS_LOG_LEVEL (its LogLevel
 * constants: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT; the Logger upper-cases the value,
 * Logger.js setInitialLogLevel). An unknown level would make the Logger fall back to INFO silently.
 */
export const LAMBDA_LOG_LEVELS: readonly string[] = Object.values(LogLevel);

/** Default POWERTOOLS_LOG_LEVEL of the Lambdas: one line per decision and check, no debug. */
export const DEFAULT_LAMBDA_LOG_LEVEL = 'INFO';

/** The construct's `logLevel`, upper-cased (as Powertools reads it), or a problem naming the levels. */
export function checkLogLevel(problems: PropProblems, logLevel: unknown): string {
  const level = logLevel === undefined ? DEFAULT_LAMBDA_LOG_LEVEL : String(logLevel).toUpperCase();
  problems.expect(
    typeof (logLevel ?? DEFAULT_LAMBDA_LOG_LEVEL) === 'string' && LAMBDA_LOG_LEVELS.includes(level),
    'logLevel',
    `one of ${LAMBDA_LOG_LEVELS.join(', ')} (the Powertools Logger's levels)`,
    logLevel,
  );
  return level;
}
