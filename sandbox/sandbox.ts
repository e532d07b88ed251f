import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { EVENT_LAMBDAS, LAMBDAS, LOCK_TABLE } from '../lambdas/catalog';
import { executionEndedPattern } from '../core/orchestration/execution-ended-event';
import { CloudWatchLogsTwin } from './aws/cloudwatch-logs';
import { DynamoDbTwin } from './aws/dynamodb';
import { Ec2Twin } from './aws/ec2';
import { IamTwin } from './aws/iam';
import { S3Twin } from './aws/s3';
import { queryProtocolRoute } from './aws/query-protocol';
import { SecretsManagerTwin } from './aws/secrets-manager';
import { SnsTwin } from './aws/sns';
import { SsmTwin } from './aws/ssm';
import { SimClock } from './clock';
import { EcsTwin, throttlingError } from './ecs/api';
import { EventBus } from './events/bus';
import { applyEnv, sandboxEnv } from './env';
import { isCanaryStream, isSeriesCountQuery, SERIES_COUNT_UNREADABLE } from './fault-matchers';
import { FaultInjector, type Fault } from './faults';
import { revertByIac } from './reverted-by-iac';
import { GRAFANA_DATASOURCES, GRAFANA_PREFIX, createGrafanaRoute } from './grafana/api';
import { temporalDashboard } from './grafana/dashboards';
import { createLokiHandler, LokiStore } from './loki';
import { SandboxLokiStorage } from './loki-storage';
import { seedNetwork } from './network-seed';
import { createAmpProxy } from './prometheus/amp-proxy';
import { MIN_SCRAPE_INTERVAL_MS } from './prometheus/config';
import { listen, type Route } from './server';
import { substitute, substitutions } from './sfn/definition';
import { capturingLogs, loadLogSink } from './lambda-logs';
import { handlerResolver, installLambdaClock, invoke, type LambdaHandler } from './sfn/lambda-runner';
import { SfnTwin } from './sfn/twin';
import { readAlloyShipping, type AlloyShipping } from './workload/alloy-summary';
import { Workload, type ScrapeTarget } from './workload/workload';

export const SANDBOX_ACCOUNT = '000000000000';
export const DEFAULT_LOCK_TABLE = 'alloy-rollout-locks';
export const ORCHESTRATOR_NAME = 'alloy-rollout';
/** The AMP workspace the sandbox answers for when the options name none. */
export const DEFAULT_AMP_WORKSPACE_ID = 'ws-sandbox';
/** The SNS topic the sandbox's ExecutionEnded Lambda notifies (NOTIFY_TOPIC_ARN), as a construct with notifications would. */
export const NOTIFY_TOPIC_NAME = 'alloy-rollout-notifications';

/**
 * Scrape intervals (simulated) the metrics backend gets ready for at start: ADOT's 15 s, Alloy's
 * 60 s default, and the 10 s and 30 s configs also use. Another interval waits for Prometheus'
 * discovery (about 5 real seconds) the first time a task asks for it.
 */
const USUAL_SCRAPE_INTERVALS_MS = [10_000, 15_000, 30_000, 60_000] as const;

/** A simulated scrape interval in real ms, never below what the backend accepts. */
function realInterval(simulatedMs: number, clock: SimClock): number {
  return Math.max(MIN_SCRAPE_INTERVAL_MS, clock.realMs(simulatedMs));
}

/** A target as the wall-clock scraper sees it: its interval in real time. */
function onWallClock(target: ScrapeTarget, clock: SimClock): ScrapeTarget {
  return target.scrapeIntervalMs === undefined
    ? target
    : { ...target, scrapeIntervalMs: realInterval(target.scrapeIntervalMs, clock) };
}

/** Anything that scrapes task metrics (the real Prometheus the sandbox starts, or a test double). */
export interface MetricsBackend {
  readonly url: string;
  /** The targets with their scrapeIntervalMs in real time, as a wall-clock scraper needs it. */
  setTargets(targets: ScrapeTarget[]): Promise<void>;
  /** Real scrape intervals to be ready for before a target asks for them. */
  declareIntervals?(intervalsMs: readonly number[]): Promise<void>;
  /** Resolves once this many targets are scraped successfully. */
  waitForTargets?(count: number, options?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** 0 picks a free port (tests); the CLI default is 4566. */
  readonly port?: number;
  readonly clockSpeed?: number;
  readonly faults?: readonly Fault[];
  readonly region?: string;
  readonly lockTableName?: string;
  /** Plan service name -> ECS service name, so faults and labels can use plan names. */
  readonly serviceAliases?: Readonly<Record<string, string>>;
  /** Repository root holding lambdas/ and statemachine/ (default: this checkout). */
  readonly root?: string;
  /** Starts the metrics backend once the server's address is known (e.g. a real Prometheus). */
  readonly metrics?: (sandboxUrl: string) => Promise<MetricsBackend>;
  /** The workspace id in the AMP query URL the sandbox serves (a plan's `amp.workspaceId`). */
  readonly ampWorkspaceId?: string;
  /** Simulated time between log lines of a container. */
  readonly logPeriodMs?: number;
  /** Extra Lambda handlers by function name (tests of other definitions). */
  readonly lambdaHandlers?: Readonly<Record<string, LambdaHandler>>;
  /** Reads a rendered Alloy config into what a simulated sidecar ships. */
  readonly describeAlloy?: (config: string) => AlloyShipping;
  /** Services the seeded Grafana dashboard (`temporal-services`) selects; default none. */
  readonly grafanaDashboardServices?: readonly string[];
  /** Called as a top-level execution starts (after the faults that act then), with its input. */
  readonly onExecutionStart?: (input: unknown) => void;
  /**
   * Whether the deployed orchestrator's EventBridge rule runs ExecutionEnded (cleanup after a
   * stopped, timed-out or failed rollout, and the notification), as the CDK construct wires it.
   * Default true.
   */
  readonly executionEndedRule?: boolean;
}

/** The Grafana twin: where it answers and the secret holding its service-account token. */
export interface SandboxGrafana {
  /** `<sandbox>/grafana`, the plan's grafana.url in a rehearsal. */
  readonly url: string;
  readonly tokenSecretArn: string;
  readonly lokiDatasourceUid: string;
  readonly prometheusDatasourceUid: string;
  readonly dashboardUid: string;
}

export interface Sandbox {
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly account: string;
  readonly lockTableName: string;
  /** AWS_ENDPOINT_URL_* and friends pointing at this sandbox. */
  readonly env: Readonly<Record<string, string>>;
  readonly clock: SimClock;
  readonly faults: FaultInjector;
  readonly ecs: EcsTwin;
  readonly logs: CloudWatchLogsTwin;
  readonly ssm: SsmTwin;
  readonly dynamodb: DynamoDbTwin;
  readonly secrets: SecretsManagerTwin;
  /** The services' task and execution roles, and the policy simulator over them. */
  readonly iam: IamTwin;
  readonly sfn: SfnTwin;
  /** SNS: the notification topic's messages (`sns.published(notifyTopicArn)`). */
  readonly sns: SnsTwin;
  readonly notifyTopicArn: string;
  /** The default event bus: execution status changes, the ExecutionEnded rule and its deliveries. */
  readonly events: EventBus;
  readonly loki: LokiStore;
  /** Loki's /config and /flush: set to the plan's bucket and retention with `configure`. */
  readonly lokiStorage: SandboxLokiStorage;
  /** Where the Loki twin's flushes write chunks. */
  readonly s3: S3Twin;
  /** The VPC Loki runs in: subnets, route table, S3 gateway endpoint (sandbox/network-seed.ts). */
  readonly ec2: Ec2Twin;
  readonly workload: Workload;
  readonly metricsBackend?: MetricsBackend;
  /** AMP's workspace URL, served here in front of the metrics backend (set when there is one). */
  readonly ampQueryUrl?: string;
  readonly grafana: SandboxGrafana;
  /** Resolves once the metrics backend has scraped every task that exposes metrics (no-op without one). */
  metricsSettled(timeoutMs?: number): Promise<void>;
  /**
   * Loads every orchestrator handler now. Loading one stalls this process for most of a second
   * (measured: 750-780 ms in a rehearsal), longer than a scrape's timeout at x30: scrapes of the
   * tasks that fall in it fail, and a cadence measured over them reads low. Loaded before the
   * tasks start, the stall leaves no gap in their series.
   */
  warmLambdas(): Promise<void>;
  /**
   * Registers statemachine/rollout.asl.json (substituted as the infra would) and returns its ARN.
   * `timeoutSeconds`: the execution timeout (TimeoutSeconds, simulated seconds) the construct sets.
   */
  deployOrchestrator(name?: string, options?: { readonly timeoutSeconds?: number }): Promise<string>;
  /** Writes a lock item as another running rollout would. */
  holdLock(cluster: string, holder?: string): void;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? 'eu-west-1';
  const account = SANDBOX_ACCOUNT;
  const root = options.root ?? path.resolve(__dirname, '..');
  const lockTableName = options.lockTableName ?? DEFAULT_LOCK_TABLE;
  const clock = new SimClock({ speed: options.clockSpeed ?? 1 });
  const now = () => clock.now();
  const faults = new FaultInjector(options.faults ?? [], options.serviceAliases ?? {});
  const logs = new CloudWatchLogsTwin(region, account, now);
  const ssm = new SsmTwin(region, account, now);
  const secrets = new SecretsManagerTwin(region, account, now);
  const iam = new IamTwin();
  const dynamodb = new DynamoDbTwin(region, account, now);
  dynamodb.createTable({ name: lockTableName, partitionKey: LOCK_TABLE.partitionKey });
  const loki = new LokiStore({ now });
  const s3 = new S3Twin(now);
  const ec2 = new Ec2Twin(account);
  const sns = new SnsTwin(region, account, now);
  const notifyTopicArn = sns.createTopic(NOTIFY_TOPIC_NAME);
  seedNetwork(ec2, region, { withS3Endpoint: !faults.has('loki-no-s3-endpoint') });
  const lokiStorage = new SandboxLokiStorage({ store: loki, s3, region, faults });
  const reverseAliases = new Map(
    Object.entries(options.serviceAliases ?? {}).map(([plan, ecs]) => [ecs, plan]),
  );

  let address = '127.0.0.1:0';
  let metricsBackend: MetricsBackend | undefined;
  let targetsChain = Promise.resolve();
  const workload = new Workload({
    clock,
    logs,
    ssm,
    secrets,
    loki: {
      ready: () => !faults.has('loki-not-ready'),
      push: (streams, tenant) => loki.push(streams, tenant ? { tenant } : {}),
    },
    faults,
    describeAlloy: options.describeAlloy ?? readAlloyShipping,
    metricsAddress: () => address,
    onTargets: (targets) => {
      const backend = metricsBackend;
      if (backend)
        targetsChain = targetsChain
          .then(() => backend.setTargets(targets.map((t) => onWallClock(t, clock))))
          .catch(() => undefined);
    },
    serviceLabel: (ecsService) => reverseAliases.get(ecsService) ?? ecsService,
    ...(options.logPeriodMs !== undefined ? { logPeriodMs: options.logPeriodMs } : {}),
  });
  const ecs = new EcsTwin({
    region,
    account,
    clock,
    hooks: workload,
    before: () => {
      if (faults.ecsThrottle()) throw throttlingError();
    },
  });

  const env0: Record<string, string> = {};
  let restoreEnv: (() => void) | undefined;
  const handlers = handlerResolver(root, options.lambdaHandlers);
  // Each invocation's log lines go to its function's group in the CloudWatch Logs twin, as Lambda
  // sends a function's stdout to /aws/lambda/<name>; a checkout without the sink logs to stdout.
  const withLogSink = await loadLogSink(root);
  const resolveLambda = withLogSink ? capturingLogs(handlers, withLogSink, logs, now) : handlers;
  // EventBridge runs a rule's Lambda target asynchronously, with the same environment as in AWS.
  const events = new EventBus({
    invoke: async (functionName, event) => {
      const fn = await resolveLambda(functionName);
      if (!fn) throw new Error(`no handler for ${functionName}`);
      restoreEnv ??= applyEnv(env0);
      return invoke(fn, functionName, event);
    },
  });
  const sfn = new SfnTwin({
    region,
    account,
    clock,
    lambda: resolveLambda,
    // The handlers build SDK clients from the environment, as in Lambda: point them here.
    beforeInvoke: () => {
      restoreEnv ??= applyEnv(env0);
    },
    loseChildStart: (key) => faults.childStartLost(key),
    onExecutionStart: (input) => {
      // reverted-by-iac acts as a verify run starts: the migration before it ran undisturbed.
      if ((input as { mode?: unknown }).mode === 'verify')
        for (const f of faults.list())
          if (f.kind === 'reverted-by-iac')
            revertByIac(ecs, options.serviceAliases?.[f.service] ?? f.service);
      options.onExecutionStart?.(input);
    },
    onExecutionEnd: (event) => events.put(event),
  });

  const lokiHandler = createLokiHandler(loki, {
    now,
    config: () => lokiStorage.config(),
    flush: () => lokiStorage.flush(),
    faults: {
      notReady: () => faults.has('loki-not-ready'),
      // Queries see the injected errors; the sidecars' pushes are in-process and unaffected.
      nextHttpError: (p) => (p.startsWith('/loki/api/v1/push') ? null : faults.lokiHttpError()),
      // Only the Loki step pushes over HTTP, and only its canary stream is lost.
      dropsPushedStream: (labels) => faults.has('loki-canary-dropped') && isCanaryStream(labels),
    },
  });
  const ampWorkspaceId = options.ampWorkspaceId ?? DEFAULT_AMP_WORKSPACE_ID;
  const ampProxy = createAmpProxy({
    workspaceId: ampWorkspaceId,
    backendUrl: () => metricsBackend?.url,
    // Queries name simulated instants; Prometheus stamps scrapes with the wall clock.
    time: clock,
    // Every series count, for the whole run: retries read the same error, as with a real AMP limit.
    intercept: (query) =>
      faults.has('amp-baseline-error') && isSeriesCountQuery(query) ? SERIES_COUNT_UNREADABLE : null,
  });
  const metricsRoute: Route = (req, res) => {
    // A task's application metrics, and its Alloy sidecar's own (prometheus.exporter.self).
    const m = /^\/_tasks\/([0-9a-f]+)\/(metrics|alloy-metrics)$/.exec(req.url ?? '');
    if (!m) return false;
    const body =
      m[2] === 'metrics' ? workload.metrics(m[1] as string) : workload.alloyMetrics(m[1] as string);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no metrics\n');
    } else {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    }
    return true;
  };

  // The Grafana twin's token lives in Secrets Manager, where the plan's tokenSecretArn points.
  const grafanaToken = `glsa_sandbox_${randomUUID().replace(/-/g, '')}`;
  const grafanaSecret = secrets.create(
    'alloy-rollout/grafana-token',
    JSON.stringify({ token: grafanaToken }),
  );
  const dashboard = temporalDashboard(options.grafanaDashboardServices ?? []);
  const grafanaRoute = createGrafanaRoute({
    loki,
    token: grafanaToken,
    lokiUrl: () => `http://${address}`,
    prometheusUrl: () => (metricsBackend ? `http://${address}/workspaces/${ampWorkspaceId}` : undefined),
    lokiReady: () => !faults.has('loki-not-ready'),
    datasourceMissing: () => faults.has('grafana-datasource-missing'),
    dashboardEmpty: (uid) => faults.grafanaDashboardEmpty(uid),
    dashboards: new Map([[String((dashboard['dashboard'] as { uid: string }).uid), dashboard]]),
  });

  const http = await listen(
    options.port ?? 0,
    [ecs.api(), logs.service(), ssm.service(), dynamodb.service(), secrets.service(), sfn.api()],
    // EC2 first: both Query-protocol routes take form posts to "/", told apart by Version.
    [
      ec2.route(),
      queryProtocolRoute([iam.service(), sns.service()]),
      lokiHandler,
      ampProxy,
      s3.route(),
      grafanaRoute,
      metricsRoute,
    ],
  );
  address = `127.0.0.1:${http.port}`;
  const url = `http://${address}`;
  Object.assign(env0, sandboxEnv(url, region, lockTableName), { NOTIFY_TOPIC_ARN: notifyTopicArn });
  if (options.metrics) {
    try {
      metricsBackend = await options.metrics(url);
      await metricsBackend.declareIntervals?.(USUAL_SCRAPE_INTERVALS_MS.map((ms) => realInterval(ms, clock)));
    } catch (error) {
      await http.close();
      clock.stop();
      throw error;
    }
  }
  // The handlers measure their deadlines on the sandbox's clock, the one Wait states, ECS and the
  // tasks run on, until the sandbox stops. One sandbox per process at a time: a second one would
  // install its own clock over this one.
  const restoreTime = await installLambdaClock(root, () => clock.now()).catch(async (error: unknown) => {
    await metricsBackend?.stop();
    await http.close();
    clock.stop();
    throw error;
  });

  let stopped = false;
  const sandbox: Sandbox = {
    url,
    port: http.port,
    region,
    account,
    lockTableName,
    env: env0,
    clock,
    faults,
    ecs,
    logs,
    ssm,
    dynamodb,
    secrets,
    iam,
    sfn,
    sns,
    notifyTopicArn,
    events,
    loki,
    lokiStorage,
    s3,
    ec2,
    workload,
    ...(metricsBackend ? { metricsBackend, ampQueryUrl: `${url}/workspaces/${ampWorkspaceId}` } : {}),
    grafana: {
      url: `${url}${GRAFANA_PREFIX}`,
      tokenSecretArn: grafanaSecret.arn,
      lokiDatasourceUid: GRAFANA_DATASOURCES.loki.uid,
      prometheusDatasourceUid: GRAFANA_DATASOURCES.prometheus.uid,
      dashboardUid: String((dashboard['dashboard'] as { uid: string }).uid),
    },
    async warmLambdas() {
      await Promise.all([...LAMBDAS, ...EVENT_LAMBDAS].map((l) => resolveLambda(`alloy-rollout-${l.id}`)));
    },
    async metricsSettled(timeoutMs = 30_000) {
      await targetsChain;
      await metricsBackend?.setTargets(workload.targets().map((t) => onWallClock(t, clock)));
      await metricsBackend?.waitForTargets?.(workload.targets().length, { timeoutMs });
    },
    async deployOrchestrator(name = ORCHESTRATOR_NAME, deployOptions = {}) {
      const text = await readFile(path.join(root, 'statemachine', 'rollout.asl.json'), 'utf8');
      let definition = substitute(text, substitutions(region, account, lockTableName));
      if (deployOptions.timeoutSeconds !== undefined)
        definition = JSON.stringify({
          ...(JSON.parse(definition) as Record<string, unknown>),
          TimeoutSeconds: deployOptions.timeoutSeconds,
        });
      const arn = sfn.createStateMachine(
        name,
        definition,
        `arn:aws:iam::${account}:role/alloy-rollout-state-machine`,
      ).arn;
      // The rule the construct deploys beside the state machine (infra/execution-ended.ts).
      if (options.executionEndedRule !== false)
        events.putRule(`${name}-execution-ended`, executionEndedPattern(arn), 'alloy-rollout-ExecutionEnded');
      return arn;
    },
    holdLock(
      cluster,
      holder = `arn:aws:states:${region}:${account}:execution:${ORCHESTRATOR_NAME}:another-rollout`,
    ) {
      const expires = Math.floor(clock.now() / 1000) + 6 * 3600;
      dynamodb.putItem(lockTableName, {
        [LOCK_TABLE.partitionKey]: { S: cluster },
        [LOCK_TABLE.ttlAttribute]: { N: String(expires) },
        executionArn: { S: holder },
        owner: { S: holder },
        acquiredAt: { S: new Date(clock.now()).toISOString() },
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // A cleanup already running finishes against the live twins first; what it started is
      // aborted with the rest just after (no events then: the twin is stopping).
      await events.close();
      sfn.stop();
      // Before the twins and the server go: an invocation in flight still calls them.
      await sfn.settled(10_000);
      ecs.stop();
      workload.stop();
      clock.stop();
      await targetsChain;
      await metricsBackend?.stop();
      await http.close();
      restoreEnv?.();
      restoreTime();
    },
  };
  return sandbox;
}
