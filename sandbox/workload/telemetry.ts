/** What a simulated application container writes and exposes. */

const MESSAGES = [
  'history shard acquired',
  'workflow task processed',
  'activity task dispatched',
  'persistence request completed',
  'membership ring changed',
  'poller started',
] as const;
const LEVELS = ['info', 'info', 'debug', 'info', 'warn', 'info'] as const;
const ERROR_EVERY = 400;
/** Sequence number of a task's first line (see Workload.emit). */
const FIRST_SEQ = 2;

/** One JSON log line as Temporal's zap logger writes it, or a broken line when asked to. */
export function logLine(
  seq: number,
  service: string,
  container: string,
  nowMs: number,
  broken: boolean,
): { line: string; level: string } {
  // A Temporal service logs an error now and then (peers unreachable while it joins the ring):
  // the first line of a task, then one line in ERROR_EVERY.
  const error = seq % ERROR_EVERY === FIRST_SEQ;
  const level = error ? 'error' : (LEVELS[seq % LEVELS.length] as string);
  const msg = error
    ? 'unable to reach membership peers, retrying'
    : (MESSAGES[seq % MESSAGES.length] as string);
  if (broken)
    return {
      line: `${new Date(nowMs).toISOString()} ${level.toUpperCase()} ${msg} service=${service} {"truncated": `,
      level,
    };
  return {
    line: JSON.stringify({ level, ts: new Date(nowMs).toISOString(), msg, service, container, seq }),
    level,
  };
}

const OPERATIONS = [
  'StartWorkflowExecution',
  'PollWorkflowTaskQueue',
  'RespondWorkflowTaskCompleted',
] as const;

/**
 * Prometheus text exposition of a task's metrics; counters grow with the number of ticks.
 * `requestsName` is what the requests counter is exported as (`metric-renamed` changes it).
 */
export function metricsText(service: string, ticks: number, requestsName = 'service_requests'): string {
  const lines = [
    `# HELP ${requestsName} Requests handled, by operation.`,
    `# TYPE ${requestsName} counter`,
    ...OPERATIONS.map(
      (op, i) => `${requestsName}{operation="${op}",service_role="${service}"} ${ticks * (i + 3)}`,
    ),
    '# HELP service_errors Requests that failed, by operation.',
    '# TYPE service_errors counter',
    ...OPERATIONS.map((op) => `service_errors{operation="${op}",service_role="${service}"} 0`),
    '# HELP persistence_latency_seconds Persistence latency.',
    '# TYPE persistence_latency_seconds gauge',
    `persistence_latency_seconds{service_role="${service}"} 0.012`,
    '# HELP num_goroutines Goroutines.',
    '# TYPE num_goroutines gauge',
    `num_goroutines{service_role="${service}"} ${200 + (ticks % 7)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What a Temporal server writes when SIGTERM arrives, and once its graceful shutdown is done. */
export function shutdownLine(
  stage: 'sigterm' | 'stopped',
  service: string,
  container: string,
  nowMs: number,
): { line: string; level: string } {
  const msg = stage === 'sigterm' ? 'Received terminated signal, shutting down' : 'Temporal server stopped';
  return {
    line: JSON.stringify({ level: 'info', ts: new Date(nowMs).toISOString(), msg, service, container }),
    level: 'info',
  };
}

/** What a Go program writes as it crashes: a panic and a short stack trace, plain text, not JSON. */
export function panicLines(service: string): string[] {
  return [
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1a2b3c4]',
    'goroutine 1 [running]:',
    `go.temporal.io/server/service/${service}.(*Service).Start(0x0)`,
    `\t/temporal/service/${service}/service.go:142 +0x2c`,
    'main.main()',
    '\t/temporal/cmd/server/main.go:57 +0x1d4',
  ];
}

/**
 * How often an application container writes a stack trace: every TRACE_EVERY line pairs (30
 * simulated minutes), the first at pair TRACE_AT (10 minutes after the task started). A healthy
 * service logs one now and then, not in every few minutes of lines: a 7-line trace in the 46 lines
 * of a 30 s soak makes a quarter of them non-JSON, far from the share over a long baseline.
 */
export const TRACE_EVERY = 360;
export const TRACE_AT = 120;

/**
 * A Temporal error logged with the goroutine stack that led to it: zap's JSON error line, then the
 * Go runtime's plain-text frames (`goroutine N [running]:`, function, file:line), one line each.
 * Under awslogs with a multiline pattern matching the JSON start (`^\{`) this is one CloudWatch
 * event; a multiline stage with the same firstline makes it one Loki entry.
 */
export function stackTraceLines(
  seq: number,
  service: string,
  container: string,
  nowMs: number,
): { line: string; level?: string }[] {
  const error = JSON.stringify({
    level: 'error',
    ts: new Date(nowMs).toISOString(),
    msg: 'Persistent fetch operation failure',
    service,
    container,
    error: 'context deadline exceeded',
    'logging-call-at': 'context_impl.go:1203',
  });
  const frames = [
    `goroutine ${1000 + (seq % 997)} [running]:`,
    'go.temporal.io/server/common/log.(*zapLogger).Error(0xc000a1e2d0, {0x2b1e4f0, 0x22}, {0xc0012f8a80, 0x3, 0x3})',
    '\t/temporal/common/log/zap_logger.go:154 +0x1c5',
    `go.temporal.io/server/service/${service}/shard.(*ContextImpl).getWorkflowExecution(0xc000f24000)`,
    `\t/temporal/service/${service}/shard/context_impl.go:1203 +0x2e8`,
    'created by go.temporal.io/server/common/goro.NewHandle in goroutine 1',
  ];
  return [{ line: error, level: 'error' }, ...frames.map((line) => ({ line }))];
}

/**
 * One access log line of an Envoy-style helper proxy, as JSON (`json_format`), without a `level`
 * key: Alloy's stage.json finds none, so the line takes the config's fallback level.
 */
export function accessLogLine(seq: number, nowMs: number): string {
  const op = OPERATIONS[seq % OPERATIONS.length] as string;
  return JSON.stringify({
    start_time: new Date(nowMs).toISOString(),
    method: 'POST',
    path: `/temporal.api.workflowservice.v1.WorkflowService/${op}`,
    protocol: 'HTTP/2',
    response_code: 200,
    grpc_status: 'OK',
    duration_ms: 3 + (seq % 17),
    upstream_host: '127.0.0.1:7233',
    request_id: `r-${seq}`,
  });
}
