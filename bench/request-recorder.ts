import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** A header the benchmark's own clients add, so their requests are told apart from the product's. */
export const BENCH_ORIGIN_HEADER = 'x-alloy-rollout-bench';

export interface RecordedRequest {
  readonly atMs: number;
  /** AWS JSON operation (`AmazonEC2ContainerServiceV20141113.UpdateService`) or `HTTP <path>` (Loki, AMP). */
  readonly operation: string;
  readonly origin: string | undefined;
}

/** `ECS.UpdateService` from an X-Amz-Target such as `AmazonEC2ContainerServiceV20141113.UpdateService`. */
export function shortOperation(target: string): string {
  const [prefix = '', op = ''] = target.split('.');
  const service = /ContainerService/.test(prefix)
    ? 'ECS'
    : /StepFunctions/.test(prefix)
      ? 'SFN'
      : /Logs/.test(prefix)
        ? 'CloudWatchLogs'
        : /DynamoDB/.test(prefix)
          ? 'DynamoDB'
          : /AmazonSSM/.test(prefix)
            ? 'SSM'
            : /secretsmanager/i.test(prefix)
              ? 'SecretsManager'
              : prefix;
  return `${service}.${op}`;
}

/** Loki and Prometheus paths without their query strings, e.g. `HTTP /loki/api/v1/query_range`. */
export function httpOperation(path: string): string {
  return `HTTP ${path.split('?')[0] ?? path}`;
}

/**
 * Records every outgoing HTTP request of this process through Node's diagnostics channels: the AWS
 * SDK clients go through node:http, `fetch` (the Loki and AMP clients) through undici. The product
 * runs unchanged; nothing is wrapped.
 */
export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly onHttp = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const target = request.getHeader('x-amz-target');
    const origin = request.getHeader(BENCH_ORIGIN_HEADER);
    this.requests.push({
      atMs: Date.now(),
      operation: typeof target === 'string' ? shortOperation(target) : httpOperation(request.path),
      origin: typeof origin === 'string' ? origin : undefined,
    });
  };
  private readonly onFetch = (message: unknown) => {
    const request = (message as { request: { path: string; headers: unknown } }).request;
    // The sandbox's scrape collector reads each simulated task's metrics (as Prometheus would, from
    // its own process): the sandbox's traffic, never the product's, which asks Loki and AMP only.
    if (request.path.startsWith('/_tasks/')) return;
    this.requests.push({ atMs: Date.now(), operation: httpOperation(request.path), origin: undefined });
  };

  start(): this {
    diagnostics.subscribe('http.client.request.start', this.onHttp);
    diagnostics.subscribe('undici:request:create', this.onFetch);
    return this;
  }

  stop(): void {
    diagnostics.unsubscribe('http.client.request.start', this.onHttp);
    diagnostics.unsubscribe('undici:request:create', this.onFetch);
  }

  /** The product's requests (not the benchmark's own) in [fromMs, toMs]. */
  productRequests(fromMs = -Infinity, toMs = Infinity): RecordedRequest[] {
    return this.requests.filter((r) => r.origin === undefined && r.atMs >= fromMs && r.atMs <= toMs);
  }
}

export function countBy(requests: readonly RecordedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of [...requests].sort((a, b) => a.operation.localeCompare(b.operation)))
    out[r.operation] = (out[r.operation] ?? 0) + 1;
  return out;
}
