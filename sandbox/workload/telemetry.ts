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

/** Prometheus text exposition of a task's metrics; counters grow with the number of ticks. */
export function metricsText(service: string, ticks: number): string {
  const lines = [
    '# HELP service_requests Requests handled, by operation.',
    '# TYPE service_requests counter',
    ...OPERATIONS.map(
      (op, i) => `service_requests{operation="${op}",service_role="${service}"} ${ticks * (i + 3)}`,
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
