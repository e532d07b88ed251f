import * as z from 'zod';

/**
 * The contract between the Action (or CLI), the state machine and the Lambdas.
 *
 * One state machine serves both levels: the parent execution (mode migrate | rollback | plan) and
 * one child execution per service (mode service-migrate | service-rollback), started by the
 * parent with `states:startExecution.sync:2` on the same state machine, so a rollout of hundreds
 * of services stays far from the 25,000-event history limit and the Action may follow children
 * with the same permissions.
 */
export const USER_MODES = ['migrate', 'rollback', 'plan', 'verify'] as const;
export type UserMode = (typeof USER_MODES)[number];

export const executionInputSchema = z
  .object({
    mode: z.enum(USER_MODES, { error: 'expected mode "migrate", "rollback", "plan" or "verify"' }),
    /** The plan document as the user wrote it (decoded YAML/JSON); every Lambda re-validates it. */
    plan: z.record(z.string(), z.unknown(), { error: 'expected the plan document (a mapping)' }),
    /** Restrict the run to these plan service names; default: all (up to `phase`). */
    services: z.array(z.string().min(1)).optional(),
    /** Migrate up to and including this phase; "enabled" means up to the last enabled phase. */
    phase: z.string().min(1).optional(),
    /** Free text recorded with the lock and the report (e.g. "github:org/repo run 42 attempt 1"). */
    requestedBy: z.string().max(512).optional(),
    /**
     * Set only by the orchestrator's own cleanup, never by users or the Action: the ARN of an
     * execution that ended (stopped, timed out, failed) without releasing the cluster lock. This
     * rollback may take that execution's lock over before it expires (core/orchestration
     * `decideLockTakeover`), and only while that execution is no longer RUNNING.
     */
    recovers: z
      .string()
      .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/, {
        error:
          'expected the ARN of a Step Functions execution (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)',
      })
      .optional(),
  })
  .strict()
  .refine((input) => input.recovers === undefined || input.mode === 'rollback', {
    path: ['recovers'],
    error:
      'recovers is allowed only with mode "rollback" (the recovery rollback of an execution that ended holding the lock)',
  });

export type ExecutionInput = z.infer<typeof executionInputSchema>;

/**
 * Every Lambda result carries one `progress` entry: the Action prints it as it happens, grouped
 * per service, and keeps the evidence of checks for the summary.
 */
export interface Progress {
  readonly service?: string;
  /** Short machine name of the step, e.g. "register", "deployment", "logs", "metrics", "rollback". */
  readonly step: string;
  readonly status: 'ok' | 'pending' | 'failed' | 'skipped' | 'info';
  readonly message: string;
  readonly evidence?: unknown;
}

/** Errors the whole execution ends with (the Fail state's Error); the Cause is the compact cause JSON. */
export const EXECUTION_FAILURES = {
  /** A step failed and every touched service was put back on ADOT + CloudWatch, verified. */
  RolledBack: 'RolledBack',
  /** A step failed and the rollback could not be completed or verified: people must look. */
  Failed: 'RolloutFailed',
  /** Refused before anything changed (lock held, bad plan, Fargate...). */
  Refused: 'RolloutRefused',
  /**
   * A `verify` run (read-only, no lock) found a service drifted from its migration (ADOT back, a
   * revision registered outside alloy-rollout) or unhealthy (logs, metrics, Alloy): nothing was changed.
   */
  VerifyFailed: 'VerifyFailed',
  /**
   * A child mode (service-migrate, service-rollback) started by anything but a live parent of this
   * state machine holding the cluster lock: refused before anything changed (ERROR_NAMES.ChildModeRefused).
   */
  ChildModeRefused: 'ChildModeRefused',
} as const;

/** Modes of the per-service child executions the parent starts (never given by users). */
export const CHILD_MODES = ['service-migrate', 'service-rollback'] as const;
export type ChildMode = (typeof CHILD_MODES)[number];

/** One service as Preflight recorded it: what the child works on. */
export const workItemSchema = z
  .object({
    name: z.string().min(1),
    phase: z.string().min(1),
    ecsService: z.string().min(1),
    /** The service's task definition when Preflight described it. */
    taskDefinitionArn: z.string().min(1),
    /**
     * The ADOT + awslogs revision to return to (the current one for legacy services, the tag for
     * migrated ones). Left out when it is `taskDefinitionArn`: the parent's state carries one work
     * item per service, and a second ARN is a fifth of the 256 KiB at 500 services.
     */
    baselineArn: z.string().min(1).optional(),
    /** Series the service exported before the migration (continuity check); null when not measured. */
    seriesBaseline: z.number().nullable().default(null),
  })
  .transform((w) => ({ ...w, baselineArn: w.baselineArn ?? w.taskDefinitionArn }));
export type WorkItem = z.output<typeof workItemSchema>;
/** A work item as Preflight writes it: `baselineArn` only when it differs from `taskDefinitionArn`. */
export type WorkItemInput = z.input<typeof workItemSchema>;

/** Wait-state durations (Wait SecondsPath needs whole seconds), computed once from the plan by Preflight. */
export const timingSchema = z.object({
  pollSeconds: z.number().int().min(1),
  soakSeconds: z.number().int().min(0),
});
export type Timing = z.infer<typeof timingSchema>;

/** Input of a child execution, built by the parent's MigrateService / RollbackServiceChild states. */
export const childExecutionInputSchema = z
  .object({
    mode: z.enum(CHILD_MODES, { error: 'expected mode "service-migrate" or "service-rollback"' }),
    plan: z.record(z.string(), z.unknown()),
    service: workItemSchema,
    timing: timingSchema,
    parentExecutionArn: z.string().min(1),
    /** The parent's mode: a manual rollback reverts (keeping app images), a failed migration re-applies the baseline. */
    reason: z.enum(['migrate', 'rollback']).optional(),
    /** Links the child to its parent in the console. */
    AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: z.string().optional(),
  })
  .strict();
export type ChildExecutionInput = z.infer<typeof childExecutionInputSchema>;
