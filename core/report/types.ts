/**
 * The report: one JSON document per execution, produced by the state machine, extended by
 * `rehearse`, and read by the Action, the CLI and scripts outside the project. Field names are a
 * public contract (DESIGN.md "The report"): add fields, never rename them.
 */
/** `skipped`: not measured, because the plan lacks what it needs or opts out; the message says which. */
export type Verdict = 'passed' | 'failed' | 'pending' | 'error' | 'skipped';

export interface CheckEvidence {
  /** The LogQL/PromQL (or API call) that measured, exactly as sent. */
  readonly query?: string;
  /** The window measured over, as ISO timestamps. */
  readonly window?: { readonly start: string; readonly end: string };
  /** What was seen: numbers, label sets, task ids. */
  readonly values?: unknown;
  /** What was required, in words or numbers. */
  readonly threshold?: unknown;
  readonly [key: string]: unknown;
}

export interface CheckResult {
  readonly name: string;
  readonly verdict: Verdict;
  readonly message: string;
  readonly evidence: CheckEvidence;
  readonly durationMs: number;
  readonly attempts?: number;
}

/**
 * `verified`, `drifted`, `unhealthy`: a `verify` run's judgement of a service it found migrated
 * earlier (still on alloy-rollout's revision and healthy; changed outside alloy-rollout; on its
 * revision but logs, metrics or Alloy failing). A verify run changes nothing.
 */
export type ServiceOutcome =
  | 'migrated'
  | 'rolled-back'
  | 'skipped'
  | 'untouched'
  | 'planned'
  | 'failed'
  | 'verified'
  | 'drifted'
  | 'unhealthy';

export interface ServiceReport {
  readonly name: string;
  readonly phase: string;
  readonly ecsService?: string;
  outcome: ServiceOutcome;
  taskDefinitionBefore?: string;
  taskDefinitionAfter?: string;
  /**
   * Observed at the end (rehearse: what the running tasks are) or inferred from the outcome (state
   * machine). `mixed`: running tasks differ. Absent where nothing is known, e.g. after a rollback
   * that gave up: the service is then not claimed to be anywhere.
   */
  finalCollector?: 'alloy' | 'adot' | 'mixed';
  finalLogDriver?: 'json-file' | 'awslogs' | 'mixed';
  logsReceivedBy?: 'loki' | 'cloudwatch' | 'both' | 'none';
  checks: CheckResult[];
  /** Readable task-definition diff (plan mode). */
  diff?: string;
  warnings?: string[];
  startedAt?: string;
  finishedAt?: string;
  /** Checks the report leaves out to stay small (passed ones first); the child execution's output has them. */
  omittedChecks?: number;
  /** The service's child execution: its output holds the full record, with every check's evidence. */
  childExecutionArn?: string;
}

/**
 * `REFUSED`: the run stopped before it changed anything (the cluster lock held by another
 * execution, a bad plan, a Fargate service...); the cause says which. It never held the lock.
 */
export type ReportStatus = 'SUCCEEDED' | 'ROLLED_BACK' | 'FAILED' | 'REFUSED';

/** Every report status, for readers that check a status they parsed. */
export const REPORT_STATUSES: readonly ReportStatus[] = ['SUCCEEDED', 'ROLLED_BACK', 'FAILED', 'REFUSED'];

export interface FailureCause {
  readonly service?: string;
  readonly check: string;
  readonly message: string;
  readonly evidence?: unknown;
}

export interface Report {
  status: ReportStatus;
  mode: 'migrate' | 'rollback' | 'plan' | 'verify';
  cluster: string;
  executionArn?: string;
  /**
   * True when this execution held the cluster lock and released it. False when it still holds it
   * (it expires by itself) and when it never held it (see `lockHeld`).
   */
  lockReleased: boolean;
  /**
   * Whether this execution took the cluster lock at all: false for a run refused before the lock
   * was taken (or by the lock) and for the modes that take none (verify, plan). Absent in reports
   * written before the field existed.
   */
  lockHeld?: boolean;
  cause?: FailureCause;
  loki?: { readonly checks: CheckResult[] };
  /** The Grafana checkpoint (grafana-datasource, grafana-canary) and, after the last phase, grafana-dashboards. */
  grafana?: { readonly checks: CheckResult[] };
  services: ServiceReport[];
  /** What the report left out to stay within Step Functions' payload limit, and where to find it. */
  warnings?: string[];
  startedAt?: string;
  finishedAt?: string;
}
