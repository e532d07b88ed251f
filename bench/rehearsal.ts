import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { runRollout } from '../action/src/run-rollout';
import type { ActionInputs, ActionIO, ActionResult } from '../action/src/types';
import { parsePlanOrThrow } from '../core/plan/parse';
import type { Fault } from '../sandbox/faults';
import { startPrometheus } from '../sandbox/prometheus';
import type { SimClock } from '../sandbox/clock';
import { startSandbox, type Sandbox } from '../sandbox/sandbox';
import { sandboxPlanDocument } from '../sandbox/rehearse/inputs';
import { seedCluster } from '../sandbox/seed';
import { deploymentsFromEvents, type DeploymentRecord } from './ecs-deployments';
import type { ExecutionTrace, HistoryEventLike } from './history';
import { RequestRecorder, type RecordedRequest } from './request-recorder';
import type { Scenario } from './scenario';
import { countedSfnClient } from './sfn-client';

export interface RehearsalOptions {
  readonly clockSpeed: number;
  readonly faults?: readonly Fault[];
  /** Simulated time between log lines of a container (fewer lines for large clusters). */
  readonly logPeriodMs?: number;
  /** Repository root holding lambdas/ and statemachine/. */
  readonly root: string;
}

/**
 * One rehearsal's raw material. Every instant in it is wall-clock epoch ms: the sandbox stamps
 * histories, ECS events and Loki lines on its simulated clock, and they are mapped back here
 * (`SimClock.toReal`), so the figures apply one time model (time-model.ts) to one kind of instant.
 */
export interface RehearsalRecord {
  readonly scenario: string;
  readonly services: number;
  readonly clockSpeed: number;
  readonly result: ActionResult;
  readonly wallMs: number;
  /** Real time from the Action's start to its end. */
  readonly rolloutWall: { readonly startMs: number; readonly endMs: number };
  readonly executions: readonly ExecutionTrace[];
  readonly deployments: readonly DeploymentRecord[];
  readonly requests: readonly RecordedRequest[];
  /** Step Functions requests the Action made while starting and following, by operation. */
  readonly followerCalls: Readonly<Record<string, number>>;
  readonly followerLines: number;
  /** For each step line the Action printed: wall ms from its history event's timestamp to the print. */
  readonly followerLineDelaysMs: readonly number[];
  /** Loki line timestamps (ms) per plan service name: when its first and last line reached Loki. */
  readonly lokiFirstLineMs: Readonly<Record<string, number>>;
  /**
   * On the product's clock (the sandbox's simulated time, which its Lambdas read), per plan service:
   * the Loki timestamp of its first line, and of its first line that is not JSON. Figure 2 measures
   * from these to times the Lambdas took, so both ends are on one clock.
   */
  readonly lokiFirstLineOnProductClockMs: Readonly<Record<string, number>>;
  readonly lokiFirstBadLineOnProductClockMs: Readonly<Record<string, number>>;
}

const BENCH_RUN = { repository: 'bench/alloy-rollout', runId: '1', runAttempt: 1 } as const;

function quietIO(): ActionIO & { lines: number } {
  const io = {
    lines: 0,
    info: () => void (io.lines += 1),
    warning: () => void (io.lines += 1),
    error: () => void (io.lines += 1),
    startGroup: () => void (io.lines += 1),
    endGroup: () => undefined,
    setOutput: () => undefined,
    appendSummary: async () => undefined,
  };
  return io;
}

async function waitSteady(sandbox: Sandbox, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const settling = sandbox.ecs
      .allServices()
      .filter((s) => s.deployments.length !== 1 || s.deployments[0]?.rolloutState !== 'COMPLETED');
    if (settling.length === 0) return;
    if (Date.now() > until)
      throw new Error(
        `seeded services did not reach a steady state: ${settling.map((s) => s.serviceName).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

function toEvent(e: HistoryEvent, clock: SimClock): HistoryEventLike {
  const entered = e.stateEnteredEventDetails;
  const exited = e.stateExitedEventDetails;
  const name = entered?.name ?? exited?.name;
  const data = entered?.input ?? exited?.output ?? e.executionStartedEventDetails?.input;
  return {
    id: e.id ?? 0,
    timestampMs: e.timestamp ? clock.toReal(e.timestamp.getTime()) : 0,
    type: e.type ?? '',
    ...(name !== undefined ? { stateName: name } : {}),
    ...(data !== undefined ? { data } : {}),
  };
}

async function collectExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  clock: SimClock,
): Promise<ExecutionTrace[]> {
  const real = (date: Date | undefined): number | undefined =>
    date ? clock.toReal(date.getTime()) : undefined;
  const traces: ExecutionTrace[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    for (const item of page.executions ?? []) {
      const events: HistoryEvent[] = [];
      let token: string | undefined;
      do {
        const h = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: item.executionArn,
            maxResults: 1000,
            ...(token ? { nextToken: token } : {}),
          }),
        );
        events.push(...(h.events ?? []));
        token = h.nextToken;
      } while (token);
      const parent = events.find((e) => e.type === 'ExecutionStarted')?.executionStartedEventDetails as
        { parentExecutionArn?: string } | undefined;
      traces.push({
        executionArn: item.executionArn ?? '',
        startMs: real(item.startDate) ?? 0,
        stopMs: real(item.stopDate),
        status: item.status ?? '',
        ...(parent?.parentExecutionArn ? { parentArn: parent.parentExecutionArn } : {}),
        events: events.map((e) => toEvent(e, clock)),
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return traces.sort((a, b) => a.startMs - b.startMs);
}

/**
 * One rollout in the sandbox, as a user would run it: the sandbox with a real Prometheus, the
 * cluster of the scenario, the real state machine and Lambdas, and the Action's own `runRollout`
 * following it. Everything the figures need is recorded; nothing is judged here.
 */
export async function rehearse(scenario: Scenario, options: RehearsalOptions): Promise<RehearsalRecord> {
  const started = Date.now();
  const recorder = new RequestRecorder().start();
  const dir = await mkdtemp(path.join(tmpdir(), 'alloy-rollout-bench-prom-'));
  let sandbox: Sandbox | undefined;
  const clients: SFNClient[] = [];
  try {
    sandbox = await startSandbox({
      port: 0,
      root: options.root,
      clockSpeed: options.clockSpeed,
      faults: options.faults ?? [],
      serviceAliases: scenario.aliases,
      // The example plan's Grafana dashboard selects its services: the twin serves it for these.
      grafanaDashboardServices: Object.keys(scenario.aliases),
      ...(options.logPeriodMs !== undefined ? { logPeriodMs: options.logPeriodMs } : {}),
      metrics: () => startPrometheus({ dir }),
    });
    // Loki as the plan describes it: the bucket and retention its /config must print.
    const lokiPlan = parsePlanOrThrow(scenario.planDocument, scenario.name).loki;
    sandbox.lokiStorage.configure({
      ...(lokiPlan.storage ? { bucket: lokiPlan.storage.bucket } : {}),
      ...(lokiPlan.retention ? { retention: lokiPlan.retention } : {}),
    });
    seedCluster(sandbox, scenario.seed);
    await waitSteady(sandbox, 120_000);
    // The baseline: Prometheus has scraped every ADOT task before the rollout starts, as in rehearse.
    await sandbox.metricsSettled();
    // AMP through the sandbox's stand-in, which moves query instants between simulated and real time.
    const ampQueryUrl = sandbox.ampQueryUrl ?? '';
    // The rehearsal's plan: Loki, AMP and Grafana at the sandbox's addresses, as `rehearse` runs it.
    const planDocument = sandboxPlanDocument(
      scenario.planDocument,
      sandbox.url,
      ampQueryUrl,
      sandbox.grafana,
    );
    const plan = parsePlanOrThrow(planDocument, scenario.name);
    const stateMachineArn = await sandbox.deployOrchestrator();
    const follower = countedSfnClient(sandbox.url, sandbox.region, 'action');
    const collector = countedSfnClient(sandbox.url, sandbox.region, 'collector');
    clients.push(follower.client, collector.client);
    const inputs: ActionInputs = {
      mode: 'migrate',
      stateMachineArn,
      region: sandbox.region,
      planFile: `${scenario.name}.yaml`,
      planDocument,
      plan,
      wait: true,
      github: BENCH_RUN,
    };
    // The Action follows on simulated time: its poll interval and pacing are the product's, in simulated ms.
    const clock = sandbox.clock;
    const io = quietIO();
    const rolloutStart = Date.now();
    // Wall delays: history timestamps are simulated, mapped back to the wall clock like every stamp.
    const lineDelaysMs: number[] = [];
    const result = await runRollout(inputs, {
      sfn: follower.client,
      io,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      onStepPrinted: (eventAt) => lineDelaysMs.push(Date.now() - clock.toReal(eventAt)),
    });
    const rolloutEnd = Date.now();
    const executions = await collectExecutions(collector.client, stateMachineArn, clock);
    const deployments = sandbox.ecs.allServices().flatMap((s) =>
      deploymentsFromEvents(
        s.serviceName,
        s.events.map((e) => ({ ...e, createdAt: clock.toReal(e.createdAt) })),
      ),
    );
    const lokiFirstLineMs: Record<string, number> = {};
    const lokiFirstLineOnProductClockMs: Record<string, number> = {};
    const lokiFirstBadLineOnProductClockMs: Record<string, number> = {};
    for (const name of Object.keys(scenario.aliases)) {
      const first = await firstLokiLine(sandbox.url, name, clock.toSimulated(started), clock.now());
      if (first !== undefined) lokiFirstLineMs[name] = clock.toReal(first);
      if (first !== undefined) lokiFirstLineOnProductClockMs[name] = first;
      const firstBad = await firstLokiLine(
        sandbox.url,
        name,
        clock.toSimulated(started),
        clock.now(),
        '| json | __error__!=""',
      );
      if (firstBad !== undefined) lokiFirstBadLineOnProductClockMs[name] = firstBad;
    }
    return {
      scenario: scenario.name,
      services: Object.keys(scenario.aliases).length,
      clockSpeed: options.clockSpeed,
      result,
      wallMs: Date.now() - started,
      rolloutWall: { startMs: rolloutStart, endMs: rolloutEnd },
      executions,
      deployments,
      requests: recorder.requests.slice(),
      followerCalls: Object.fromEntries(follower.calls),
      followerLines: io.lines,
      followerLineDelaysMs: lineDelaysMs,
      lokiFirstLineMs,
      lokiFirstLineOnProductClockMs,
      lokiFirstBadLineOnProductClockMs,
    };
  } finally {
    recorder.stop();
    for (const c of clients) c.destroy();
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The earliest line of a service in Loki (simulated ms), through the Loki query API the product uses. */
async function firstLokiLine(
  url: string,
  service: string,
  fromMs: number,
  toMs: number,
  /** A LogQL pipeline: the earliest line that passes it (e.g. lines that are not JSON). */
  pipeline = '',
): Promise<number | undefined> {
  const q = new URL('/loki/api/v1/query_range', url);
  q.searchParams.set('query', `{service_name="${service}"}${pipeline ? ` ${pipeline}` : ''}`);
  q.searchParams.set('start', `${Math.floor(fromMs)}000000`);
  q.searchParams.set('end', `${Math.ceil(toMs) + 1000}000000`);
  q.searchParams.set('direction', 'forward');
  q.searchParams.set('limit', '1');
  const res = await fetch(q, { headers: { 'x-alloy-rollout-bench': 'collector' } });
  if (res.status !== 200) return undefined;
  const body = (await res.json()) as { data?: { result?: { values?: [string, string][] }[] } };
  const stamps = (body.data?.result ?? []).flatMap((s) =>
    (s.values ?? []).map(([ns]) => Number(BigInt(ns) / 1_000_000n)),
  );
  return stamps.length ? Math.min(...stamps) : undefined;
}
