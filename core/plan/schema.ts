import * as z from 'zod';
import { parseDuration } from './duration';
import { parseLokiDuration } from './loki-duration';
import { checkResultProblem, expandCheckQuery } from './check-query';
import { checkQuery, describeProblem, type QueryLanguage } from '../queries/grammar';
import { NAME_GLOB } from '../verify/metric-globs';

/** The Alloy release rendered configs are written for unless the plan pins another. */
export const DEFAULT_ALLOY_VERSION = 'v1.18.1';

const duration = (fallback: string) =>
  z
    .string({ error: 'expected a duration such as "90s", "5m" or "1h"' })
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || ms <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration such as "90s", "5m" or "1h", got ${JSON.stringify(text)}`,
        });
        return z.NEVER;
      }
      return ms;
    });

/** An optional duration, at most `maxMs`: undefined when absent (the default is derived elsewhere). */
const optionalDuration = (maxMs: number, what: string) =>
  z
    .string({ error: 'expected a duration such as "30s"' })
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const ms = parseDuration(text);
      if (ms === null || ms <= 0 || ms > maxMs) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration such as "30s", at most ${what}, got ${JSON.stringify(text)}`,
        });
        return z.NEVER;
      }
      return ms;
    });

const name = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
      `expected ${what}: letters, digits, '-', '_' or '.', starting with a letter or digit`,
    );

/** The storage checks of the Loki step a plan may switch off (`loki.skipChecks`). */
export const LOKI_STORAGE_CHECKS = ['retention', 'object-store', 'chunks-flushed', 's3-endpoint'] as const;
export type LokiStorageCheck = (typeof LOKI_STORAGE_CHECKS)[number];

/** A duration as Loki's config writes it (Prometheus model units, d/w/y included), kept as text. */
const lokiDuration = z
  .string({ error: 'expected a duration as Loki writes it, such as "744h" or "30d"' })
  .refine((text) => (parseLokiDuration(text) ?? 0) > 0, {
    message: 'expected a duration as Loki writes it, such as "744h" or "30d"',
  });

const port = z.number({ error: 'expected a port number' }).int('expected a whole number').min(1).max(65535);

const query = (language: QueryLanguage) =>
  z
    .string({ error: `expected a ${language === 'logql' ? 'LogQL' : 'PromQL'} query string` })
    .superRefine((text, ctx) => {
      const problem = checkQuery(language, text);
      if (problem) ctx.addIssue({ code: 'custom', message: describeProblem(language, problem) });
    });

const httpUrl = z
  .string({ error: 'expected an http(s) URL' })
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'expected an http(s) URL such as "http://loki.internal:3100"');

/** Grafana UIDs: at most 40 letters, digits, '-' and '_' (Grafana's util.IsValidShortUID). */
const grafanaUid = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .regex(/^[A-Za-z0-9_-]{1,40}$/, `expected ${what}: 1 to 40 letters, digits, '-' or '_'`);

const arn = (service: string) =>
  z
    .string()
    .regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+$`), `expected an ARN of ${service}`);

const comparison = z.enum(['>', '>=', '<', '<=', '==', '!='], {
  error: 'expected one of ">", ">=", "<", "<=", "==", "!="',
});

/** A check of the plan's own: the query's result (a single number) is compared with a threshold. */
const customCheck = z
  .object({
    name: name('a check name'),
    language: z.enum(['logql', 'promql'], { error: 'expected "logql" or "promql"' }),
    query: z.string({ error: 'expected a query string' }),
    /** How the value must compare with the threshold for the check to pass. */
    op: comparison.default('>='),
    threshold: z.number({ error: 'expected a number' }),
    /**
     * The value an empty result stands for (e.g. 0 for a count of error lines, which Loki and
     * Prometheus answer with no series at all). Without it an empty result keeps the check pending:
     * a check never passes on nothing unless the plan says what nothing means.
     */
    whenEmpty: z.number({ error: 'expected a number' }).optional(),
    deadline: duration('2m'),
  })
  .strict()
  .superRefine((check, ctx) => {
    // Checked as it will run: with `$service` filled in by a representative name.
    const problem = checkQuery(check.language, expandCheckQuery(check.query, 'service'));
    const unusable = problem ? describeProblem(check.language, problem) : checkResultProblem(check);
    if (unusable) ctx.addIssue({ code: 'custom', path: ['query'], message: unusable });
  });

/** A scrape interval or timeout in Alloy's duration syntax (Go's), kept as written for the config. */
const scrapeDuration = z
  .string({ error: 'expected a duration such as "15s" or "1m"' })
  .refine((text) => (parseDuration(text) ?? 0) > 0, {
    error: (issue) => `expected a duration such as "15s" or "1m", got ${JSON.stringify(issue.input)}`,
  });

const service = z
  .object({
    /** Short name used in reports and as the `service_name` label (e.g. "history"). */
    name: name('a service name'),
    /** The ECS service name in the cluster. */
    ecsService: name('an ECS service name'),
    /** Containers whose logs and metrics Alloy collects; default: every container but the collector. */
    mainContainers: z
      .array(name('a container name'))
      .min(1, 'expected at least one container name')
      .optional(),
    /**
     * The scrape settings below win over what the ADOT collector's Prometheus receiver config says
     * (read from its AOT_CONFIG_CONTENT or `--config env:NAME` value at registration), which wins
     * over the defaults: port 9090, path /metrics, job = the service name, interval 15s (ADOT's
     * documented ECS setting; Alloy's own default would be 60s), timeout 10s or the interval if
     * shorter. See core/taskdef/scrape-settings.ts.
     */
    metricsPort: port.optional(),
    metricsPath: z.string().regex(/^\//, 'expected a path starting with "/"').optional(),
    /** The `job` label of the service's series (ADOT's job_name, so dashboards keep matching). */
    jobName: z.string().min(1, 'expected a non-empty job name').optional(),
    scrapeInterval: scrapeDuration.optional(),
    scrapeTimeout: scrapeDuration.optional(),
    /** Name of the ADOT container; default: found by its image (aws-otel-collector). */
    adotContainer: name('a container name').optional(),
    /**
     * Main containers whose log driver Alloy cannot read (awsfirelens, splunk, fluentd, gelf,
     * syslog, ...) that the migration may switch to json-file; revert restores their logging.
     * Without this, such a container is refused (unreadable-log-driver): its lines would keep
     * going to the old destination and never reach Loki. awslogs is always switched. Per
     * container, not a global switch, so that a pipeline someone else reads is never cut off
     * unasked. A FireLens log router itself (firelensConfiguration) is left in place.
     */
    switchLogDrivers: z.array(name('a container name')).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const interval = s.scrapeInterval === undefined ? null : parseDuration(s.scrapeInterval);
    const timeout = s.scrapeTimeout === undefined ? null : parseDuration(s.scrapeTimeout);
    if (interval !== null && timeout !== null && timeout > interval)
      ctx.addIssue({
        code: 'custom',
        path: ['scrapeTimeout'],
        message: `expected scrapeTimeout (${s.scrapeTimeout}) to be at most scrapeInterval (${s.scrapeInterval}): Alloy refuses a longer timeout`,
      });
  });

const phase = z
  .object({
    name: name('a phase name'),
    /** Phases after the last enabled one are left alone by a phased rollout (`phase: enabled`). */
    enabled: z.boolean({ error: 'expected true or false' }).default(true),
    services: z.array(service).min(1, 'expected at least one service in the phase'),
    /**
     * Optional shadow step before the driver switch: each service of the phase first runs a
     * revision that keeps awslogs on its main containers and adds the Alloy sidecar, which reads
     * the same lines through Docker's dual-logging cache; Loki's count per task and container must
     * reach `minCompleteness` of CloudWatch's over a closed window of `duration` before the
     * json-file revision is deployed. docker-api log source only (see the plan's superRefine).
     */
    shadow: z
      .object({
        duration: duration('10m'),
        minCompleteness: z
          .number({ error: 'expected a fraction such as 0.999' })
          .gt(0, 'expected a fraction above 0, such as 0.999')
          .max(1, 'expected a fraction of at most 1, such as 0.999')
          .default(0.999),
      })
      .strict()
      .optional(),
  })
  .strict();

export const planSchema = z
  .object({
    version: z.literal(1, { error: 'expected 1 (the only plan format so far)' }).default(1),
    cluster: name('an ECS cluster name'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as "eu-west-1"'),
    /**
     * SSM path of the ADOT collectors' config parameters (what their `--config env:NAME` or
     * AOT_CONFIG_CONTENT secrets name), e.g. /temporal-dev/adot: narrows the orchestrator's
     * ssm:GetParameter grant to it. Default: any parameter of the account and region.
     */
    collectorConfigPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9_.-]+)+$/, 'expected an SSM path such as "/temporal-dev/adot"')
      .optional(),
    /** SSM parameter prefix for rendered Alloy configs; default /alloy-rollout/<cluster>. */
    configPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9_.-]+)+$/, 'expected an SSM path such as "/alloy-rollout/temporal-dev"')
      .optional(),
    loki: z
      .object({
        /** The Loki ECS service in the cluster; omit when Loki runs elsewhere (then only /ready is checked). */
        service: name('an ECS service name').optional(),
        desiredCount: z.number().int().min(1).max(100).default(1),
        image: z.string().min(1).optional(),
        /** How the orchestrator reaches Loki's HTTP API. */
        url: httpUrl,
        /** What Alloy pushes to; default: url + /loki/api/v1/push. */
        pushUrl: httpUrl.optional(),
        tenant: z.string().min(1).max(150).optional(),
        /** Secrets Manager secret with {"username","password"} (basic) or {"token"} (bearer). */
        authSecretArn: arn('secretsmanager').optional(),
        /** How Alloy authenticates with authSecretArn's keys; absent means basic (username/password). */
        authType: z.enum(['basic', 'bearer'], { error: 'expected "basic" or "bearer"' }).optional(),
        /**
         * The retention Loki must enforce, as Loki writes durations ("744h", "30d"); compared with
         * `limits_config.retention_period` from Loki's /config as a duration. Absent: the
         * loki-retention check is reported skipped.
         */
        retention: lokiDuration.optional(),
        /** The S3 bucket Loki stores chunks in, and the key prefix its chunks start with. */
        storage: z
          .object({
            bucket: z
              .string({ error: 'expected an S3 bucket name' })
              .regex(
                /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
                'expected an S3 bucket name such as "temporal-loki-chunks"',
              ),
            /** Default: the tenant Loki files the canary under (`tenant`, else "fake"), then "/". */
            prefix: z.string().max(1024).optional(),
          })
          .strict()
          .optional(),
        /** Subnets of an externally run Loki (the ECS service's own subnets are read otherwise). */
        subnets: z
          .array(
            z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected a subnet id such as "subnet-0abc1234"'),
          )
          .min(1)
          .optional(),
        /** Storage checks that do not apply (e.g. a Loki run by another team). */
        skipChecks: z
          .array(
            z.enum(LOKI_STORAGE_CHECKS, {
              error: `expected one of ${LOKI_STORAGE_CHECKS.map((c) => `"${c}"`).join(', ')}`,
            }),
          )
          .optional(),
      })
      .strict(),
    /**
     * Optional Grafana checkpoint: the Loki datasource users query (exists, healthy, returns the
     * canary) after the Loki step, and each listed dashboard's queries for the migrated services
     * return data after the last phase. Absent: no Grafana step runs.
     */
    grafana: z
      .object({
        /** Grafana's root URL, e.g. https://grafana.example.com (a sub-path is kept). */
        url: httpUrl,
        /** UID of the Loki datasource users query (GET /api/datasources/uid/<uid>). */
        datasourceUid: grafanaUid('a Loki datasource UID'),
        /** Secrets Manager secret with a service-account token: {"token": "..."} or the token as plain text. */
        tokenSecretArn: arn('secretsmanager'),
        /**
         * The Prometheus (AMP) datasource dashboards use, for panels that name none (or name the
         * default one, `-- Default --`); panels that name their datasource are queried through it.
         */
        prometheusDatasourceUid: grafanaUid('a Prometheus datasource UID').optional(),
        /**
         * Dashboards to prove after the last phase: every panel query that selects a migrated
         * service must return data for the last `window`.
         */
        dashboards: z
          .array(z.object({ uid: grafanaUid('a dashboard UID'), window: duration('15m') }).strict())
          .default([]),
        /** How long the datasource, canary and dashboard checks may stay pending before they fail. */
        deadline: duration('5m'),
      })
      .strict()
      .optional(),
    amp: z
      .object({
        workspaceId: z
          .string()
          .regex(/^ws-[A-Za-z0-9-]+$/, 'expected an AMP workspace id such as "ws-1234abcd-..."'),
        /** Default: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/ */
        queryUrl: httpUrl.optional(),
        remoteWriteUrl: httpUrl.optional(),
      })
      .strict(),
    alloy: z
      .object({
        version: z
          .string()
          .regex(/^v\d+\.\d+\.\d+$/, 'expected an Alloy release such as "v1.18.1"')
          .default(DEFAULT_ALLOY_VERSION),
        /** Default: grafana/alloy:<version>. */
        image: z.string().min(1).optional(),
        /**
         * Writes the config (injected by ECS from SSM as a secret variable) into the shared volume
         * with `sh`; must run on the task's architecture (busybox is multi-arch).
         */
        initImage: z.string().min(1).default('public.ecr.aws/docker/library/busybox:1.37'),
        /** Default: the ADOT container's cpu/memory. */
        cpu: z.number().int().min(0).optional(),
        memory: z.number().int().min(6, 'expected at least 6 MiB (the ECS minimum)').optional(),
        initCpu: z.number().int().min(0).default(16),
        initMemory: z.number().int().min(6).default(32),
        logSource: z
          .enum(['docker-api', 'file-tail'], { error: 'expected "docker-api" or "file-tail"' })
          .default('docker-api'),
        /** Allow task-level cpu/memory to grow when the sidecars do not fit the current budget. */
        allowResize: z.boolean().default(false),
        logMaxSize: z
          .string()
          .regex(/^\d+[kmg]$/, 'expected a size such as "10m"')
          .default('10m'),
        logMaxFile: z.number().int().min(1).max(100).default(5),
        /**
         * Alloy's HTTP port, bound on 127.0.0.1 only (its health check is the one client). In host
         * network mode the port is reserved on the instance, so ECS never co-places two tasks that
         * would both bind it.
         */
        listenPort: port.min(1024, 'expected a port from 1024 to 65535').default(12345),
        /**
         * How long Alloy keeps shipping after ECS tells the task to stop, so the main containers'
         * last lines still reach Loki. Default: the longest main container stopTimeout, else ECS's
         * 30s. Alloy's own stopTimeout is this plus 10s, and ECS allows at most 120s.
         */
        drain: optionalDuration(110_000, '110s (ECS allows a stopTimeout of at most 120s)'),
        /**
         * How Alloy reaches the host's docker API: `socket` mounts /var/run/docker.sock read-only
         * (read-only does not stop API calls: full docker API, host-root equivalent); `proxy` puts a
         * socket-proxy sidecar in between that answers only the read endpoints Alloy needs.
         */
        dockerAccess: z
          .enum(['socket', 'proxy'], { error: 'expected "socket" or "proxy"' })
          .default('socket'),
        dockerProxyImage: z.string().min(1).default('wollomatic/socket-proxy:1.13.1'),
        /** uid[:gid] the proxy runs as; it must be able to open the host's docker socket. */
        dockerProxyUser: z
          .string()
          .regex(/^\d+(:\d+)?$/, 'expected a numeric uid or uid:gid such as "0" or "65534:994"')
          .default('0'),
        /**
         * Registry path standing in for Docker Hub (a private mirror or an ECR pull-through cache,
         * e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"): default images on
         * Docker Hub are pulled through it instead.
         */
        dockerHubMirror: z
          .string()
          .regex(
            /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/,
            'expected a registry path such as "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"',
          )
          .optional(),
      })
      .strict()
      .prefault({}),
    phases: z.array(phase).min(1, 'expected at least one phase'),
    verification: z
      .object({
        deploymentTimeout: duration('15m'),
        soak: duration('2m'),
        pollInterval: duration('10s'),
        logs: z
          .object({
            /** Every new task must have lines in Loki within this time (the seeds ask for 30s). */
            deadline: duration('30s'),
            window: duration('5m'),
            /**
             * Labels every stream must carry (seed 003: service_name, cluster, container_name,
             * task_id). `level` is refused: it is derived by parsing the line as JSON, so a line
             * that is not JSON has none, and requiring it would roll back a healthy service on
             * its first panic trace; the JSON check judges JSON instead.
             */
            requiredLabels: z
              .array(
                z
                  .string()
                  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Loki label name')
                  .refine((name) => name !== 'level', {
                    message:
                      'level cannot be a required label: it is derived by parsing each line as JSON, so a line that is not JSON (a panic trace, a start-up banner) has no level; the JSON check (maxJsonErrorIncrease) judges JSON instead. Expected labels such as service_name, cluster, container_name, task_id',
                  }),
              )
              .default(['service_name', 'cluster', 'container_name', 'task_id']),
            /**
             * How far the share of lines that are not JSON in Loki may exceed the share the
             * service had in CloudWatch before the switch (Register measures it over a window as
             * long as `window`): 0.01 lets 1 % more lines fail `| json` than before.
             */
            maxJsonErrorIncrease: z.number().min(0).max(1).default(0.01),
            /**
             * The absolute ceiling on the share of lines that are not JSON, used only when the
             * CloudWatch baseline could not be read (no lines in the window, no permission, an
             * already migrated service); the check's evidence says why.
             */
            maxJsonErrorRatio: z.number().min(0).max(1).default(0.05),
          })
          .strict()
          .prefault({}),
        metrics: z
          .object({
            deadline: duration('2m'),
            /** The service's series count after migration must reach this fraction of its baseline. */
            minSeriesRatio: z.number().min(0).max(10).default(0.9),
            /**
             * Preflight must read each service's series count before changing anything; when it
             * cannot, the run is refused. false lets the run go on without that baseline, and
             * each service's metrics check then says continuity was not checked.
             */
            requireBaseline: z.boolean({ error: 'expected true or false' }).default(true),
            /** How far back Register reads each service's metric names, label keys and cadence under ADOT. */
            baselineWindow: duration('5m'),
            /**
             * Names that may disappear with ADOT (globs, `*` and `?`). `otelcol_*` is the collector's
             * own telemetry, served at 127.0.0.1:8888/metrics and in AMP only when its config scrapes
             * itself (open-telemetry/opentelemetry.io content/en/docs/collector/internal-telemetry.md);
             * `target_info` is the series the prometheusremotewrite exporter makes of each resource's
             * attributes (`target_info.enabled`, default true: opentelemetry-collector-contrib
             * exporter/prometheusremotewriteexporter/README.md). `up` and `scrape_*` stay: Alloy's
             * prometheus.scrape writes them as Prometheus' scrape loop does.
             */
            mayDisappear: z
              .array(
                z
                  .string({ error: 'expected a metric name or glob such as "otelcol_*"' })
                  .regex(
                    NAME_GLOB,
                    'expected a metric name or glob such as "otelcol_*" (letters, digits, _, :, * and ?)',
                  ),
              )
              .default(['otelcol_*', 'target_info']),
            /** Each new task's samples per minute per target must be within this fraction of the baseline's. */
            maxCadenceDeviation: z.number().min(0).max(1).default(0.1),
            /**
             * The window a new task must have run for its cadence to be judged (young tasks are
             * pending). Default: 1m, or half the deadline when that is shorter, so a plan that only
             * shortens the deadline is not refused for a value it never set.
             */
            cadenceWindow: optionalDuration(24 * 3_600_000, '24h'),
          })
          .strict()
          .transform((m) => ({ ...m, cadenceWindow: m.cadenceWindow ?? Math.min(60_000, m.deadline / 2) }))
          .prefault({}),
        checks: z.array(customCheck).default([]),
      })
      .strict()
      .prefault({}),
    rollback: z
      .object({
        scope: z.enum(['service', 'all'], { error: 'expected "service" or "all"' }).default('all'),
        /** Where the services' logs go back to; {cluster}, {service} and {container} are filled in. */
        logGroupPattern: z
          .string()
          .regex(
            /^[A-Za-z0-9_./#{}-]+$/,
            'expected a log group name pattern such as "/ecs/{cluster}/{container}"',
          )
          .default('/ecs/{cluster}/{container}'),
        /** Retention for a log group the rollback has to create; existing groups keep theirs. */
        retentionDays: z.number().int().positive().default(30),
        verifyDeadline: duration('5m'),
      })
      .strict()
      .prefault({}),
    /**
     * ECS's own net under a migration: while alloy-rollout deploys a service's Alloy revision, the
     * deployment circuit breaker with rollback is on, so a deployment that fails while the
     * orchestrator is unavailable (throttled, stopped, its Lambdas erroring) still returns to the
     * last completed revision by itself. `restoreCircuitBreaker` puts the service's own setting
     * back once the migration is verified; by default it stays on (ECS's recommended setting).
     */
    safetyNet: z
      .object({
        circuitBreaker: z.boolean({ error: 'expected true or false' }).default(true),
        restoreCircuitBreaker: z.boolean({ error: 'expected true or false' }).default(false),
      })
      .strict()
      .prefault({}),
    lock: z
      .object({ ttl: duration('6h') })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const { cadenceWindow, deadline } = plan.verification.metrics;
    // A task that started at the first answer is young for the whole cadence window: with a window
    // as long as the deadline, its cadence could never be judged before the check fails.
    if (cadenceWindow >= deadline)
      ctx.addIssue({
        code: 'custom',
        path: ['verification', 'metrics', 'cadenceWindow'],
        message: `expected a cadence window shorter than verification.metrics.deadline (${deadline / 1000}s), got ${cadenceWindow / 1000}s`,
      });
    const seen = new Map<string, string>();
    const seenEcs = new Map<string, string>();
    plan.phases.forEach((p, pi) => {
      p.services.forEach((s, si) => {
        const where = `phases[${pi}].services[${si}]`;
        const clash = seen.get(s.name);
        if (clash)
          ctx.addIssue({
            code: 'custom',
            path: ['phases', pi, 'services', si, 'name'],
            message: `service "${s.name}" is already listed at ${clash}`,
          });
        else seen.set(s.name, where);
        const ecsClash = seenEcs.get(s.ecsService);
        if (ecsClash)
          ctx.addIssue({
            code: 'custom',
            path: ['phases', pi, 'services', si, 'ecsService'],
            message: `ECS service "${s.ecsService}" is already listed at ${ecsClash}`,
          });
        else seenEcs.set(s.ecsService, where);
      });
    });
    const phaseNames = new Set<string>();
    let disabledSeen = false;
    plan.phases.forEach((p, pi) => {
      if (phaseNames.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['phases', pi, 'name'],
          message: `phase "${p.name}" is listed twice`,
        });
      phaseNames.add(p.name);
      if (!p.enabled) disabledSeen = true;
      else if (disabledSeen)
        ctx.addIssue({
          code: 'custom',
          path: ['phases', pi, 'enabled'],
          message: 'expected phases to be enabled in order: an enabled phase cannot follow a disabled one',
        });
    });
    if (plan.alloy.logSource === 'file-tail')
      plan.phases.forEach((p, pi) => {
        if (p.shadow)
          ctx.addIssue({
            code: 'custom',
            path: ['phases', pi, 'shadow'],
            message:
              'a shadow step needs alloy.logSource "docker-api": during the shadow the main containers keep awslogs, whose lines only the Docker API can read (through the dual-logging cache); file-tail reads json-file logs, which awslogs does not write',
          });
      });
    if (
      plan.loki.service &&
      plan.phases.some((p) => p.services.some((s) => s.ecsService === plan.loki.service))
    )
      ctx.addIssue({
        code: 'custom',
        path: ['loki', 'service'],
        message: 'the Loki service cannot also be a service to migrate',
      });
  });

// Export the query schema for the few places outside the plan that accept user queries.
export const logqlQuery = query('logql');
export const promqlQuery = query('promql');

export type PlanInput = z.input<typeof planSchema>;
export type Plan = z.output<typeof planSchema>;
export type ServicePlan = Plan['phases'][number]['services'][number];
export type PhasePlan = Plan['phases'][number];
export type ShadowPlan = NonNullable<PhasePlan['shadow']>;
export type CustomCheck = Plan['verification']['checks'][number];
export type GrafanaPlan = NonNullable<Plan['grafana']>;
