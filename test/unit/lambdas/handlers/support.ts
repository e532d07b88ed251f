import { requestedTimeMs } from '../../../support/query-time';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type ECSClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecs';
import type { AwsStub } from 'aws-sdk-client-mock';

/** Set-up shared by the handler tests: the running task the checks look at, AMP/Loki answers. */

export type EcsMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, ECSClientResolvedConfig>;

export const TASK_ID = '0123456789abcdef';
export const TASK = `arn:aws:ecs:eu-west-1:123456789012:task/temporal-dev/${TASK_ID}`;

/**
 * ECS lists one running task of the service, started from the given task definition; with
 * `startedAtMs`, DescribeTasks says when it reached RUNNING (absence deadlines count from it).
 */
export function stubRunningTask(
  ecs: EcsMock,
  taskDefinitionArn: string,
  startedAtMs?: number,
  /** DescribeTasks' `containers[]` of the task (e.g. the Alloy sidecar STOPPED). */
  containers?: { name: string; lastStatus: string; exitCode?: number; reason?: string }[],
): void {
  ecs.on(ListTasksCommand).resolves({ taskArns: [TASK] });
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      {
        taskArn: TASK,
        taskDefinitionArn,
        lastStatus: 'RUNNING',
        ...(startedAtMs !== undefined ? { startedAt: new Date(startedAtMs) } : {}),
        ...(containers ? { containers } : {}),
      },
    ],
  });
}

/**
 * DescribeServices answers the service with one PRIMARY deployment of `taskDefinition` in
 * `rolloutState`, last changed at `updatedAtMs` (for COMPLETED: when it completed), and the
 * deployment it replaces as ACTIVE.
 */
export function stubPrimaryDeployment(
  ecs: EcsMock,
  input: {
    readonly serviceName: string;
    readonly taskDefinition: string;
    readonly previousTaskDefinition: string;
    readonly rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
    readonly updatedAtMs: number;
    readonly rolloutStateReason?: string;
  },
): void {
  const done = input.rolloutState === 'COMPLETED';
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: input.serviceName,
        status: 'ACTIVE',
        taskDefinition: input.taskDefinition,
        desiredCount: 1,
        runningCount: 1,
        deployments: [
          {
            id: 'ecs-svc/2',
            status: 'PRIMARY',
            taskDefinition: input.taskDefinition,
            rolloutState: input.rolloutState,
            ...(input.rolloutStateReason ? { rolloutStateReason: input.rolloutStateReason } : {}),
            desiredCount: 1,
            runningCount: done ? 1 : 0,
            pendingCount: 0,
            failedTasks: input.rolloutState === 'FAILED' ? 3 : 0,
            updatedAt: new Date(input.updatedAtMs),
          },
          ...(done
            ? []
            : [
                {
                  id: 'ecs-svc/1',
                  status: 'ACTIVE',
                  taskDefinition: input.previousTaskDefinition,
                  rolloutState: 'COMPLETED' as const,
                  desiredCount: 1,
                  runningCount: 1,
                },
              ]),
        ],
      },
    ],
  });
}

/**
 * One clock for everything in the test: the handlers read it through lambdas/clock.ts (Date.now by
 * default) and the Loki/AMP stand-ins compare requested times with it. Restored by
 * jest.restoreAllMocks().
 */
export function useClock(startMs: number): { now(): number; set(ms: number): void } {
  let current = startMs;
  jest.spyOn(Date, 'now').mockImplementation(() => current);
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
  };
}

/**
 * What the state machine passes back to the next Verify poll: the previous poll's result at
 * `$.verify`, after a trip through JSON as in Step Functions.
 */
export function carried(previous: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(previous)) as Record<string, unknown>;
}

/** The real SigV4 signer needs credentials to sign AMP queries; these sign nothing real. */
export function useExampleCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
}

/** A Prometheus HTTP API answer (AMP and Loki's metric queries) with an instant vector. */
export function vectorResponse(result: unknown[]): Response {
  return new Response(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
}

/** An instant vector stamped, as a real backend stamps it, with the time the request asked for. */
export function vectorAt(
  url: URL,
  init: RequestInit | undefined,
  result: { metric: unknown; value: string }[],
): Response {
  const atMs = requestedTimeMs(url, init?.body ? String(init.body) : undefined);
  if (atMs === undefined) throw new Error(`no time parameter in ${url.toString()}`);
  const at = atMs / 1000;
  return vectorResponse(result.map((r) => ({ metric: r.metric, value: [at, r.value] })));
}

export interface SeenRequest {
  readonly url: URL;
  readonly init?: RequestInit;
}
export type Route = (url: URL, init?: RequestInit) => Response | undefined;

/**
 * Answers every fetch with `route` (404 where it has no answer) and records the requests, in
 * order, into the returned list. Restore with jest.restoreAllMocks() in afterEach.
 */
export function serveFetch(route: Route): SeenRequest[] {
  const requests: SeenRequest[] = [];
  jest
    .spyOn(globalThis, 'fetch')
    .mockImplementation(async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      requests.push({ url, ...(init ? { init } : {}) });
      return route(url, init) ?? new Response('not found', { status: 404 });
    });
  return requests;
}

/**
 * AMP as Register's metric baseline reads it under ADOT: the series API lists the service's
 * series, and `up` over a window answers a matrix of raw samples every 15 s (4 per minute).
 */
export function ampUnderAdot(url: URL, init: RequestInit | undefined): Response | undefined {
  const json = (data: unknown) => new Response(JSON.stringify({ status: 'success', data }), { status: 200 });
  const target = { job: 'temporal', instance: 'localhost:9090', service_name: 'history' };
  if (url.pathname.endsWith('/api/v1/series'))
    return json([
      { __name__: 'up', ...target },
      { __name__: 'service_requests', operation: 'StartWorkflowExecution', ...target },
    ]);
  if (!url.pathname.endsWith('/api/v1/query')) return undefined;
  const atMs = requestedTimeMs(url, init?.body ? String(init.body) : undefined) ?? 0;
  const values = Array.from({ length: 20 }, (_, i) => [(atMs - (20 - i) * 15_000) / 1000, '1']);
  return json({ resultType: 'matrix', result: [{ metric: { __name__: 'up', ...target }, values }] });
}

/**
 * What a healthy Alloy sidecar of one task says about itself, as `alloySelfMetrics` selects it:
 * entries and samples sent, nothing dropped or failed, every component healthy, its process
 * started at `processStartMs`.
 */
export function healthyAlloySelf(
  taskId: string,
  processStartMs: number,
): { metric: Record<string, string>; value: string }[] {
  const series = { service_name: 'history', job: 'integrations/self', task_id: taskId };
  return [
    { metric: { __name__: 'loki_write_sent_entries_total', ...series }, value: '300' },
    {
      metric: { __name__: 'loki_write_dropped_entries_total', reason: 'ingester_error', ...series },
      value: '0',
    },
    { metric: { __name__: 'prometheus_remote_storage_samples_total', ...series }, value: '1200' },
    { metric: { __name__: 'prometheus_remote_storage_samples_failed_total', ...series }, value: '0' },
    {
      metric: {
        __name__: 'alloy_component_controller_running_components',
        health_type: 'healthy',
        ...series,
      },
      value: '11',
    },
    { metric: { __name__: 'process_start_time_seconds', ...series }, value: String(processStartMs / 1000) },
  ];
}
