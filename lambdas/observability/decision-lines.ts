/**
 * What one invocation decided, as log lines: one `decision` line from the result's `progress`
 * (step, status, the verdict, the message), and one `check` line per check verdict the result
 * carries (`check`, `checks`, and the per-service checks of an audit's `state.services`). Only
 * names, verdicts and messages are taken: evidence and the plan stay out of the logs.
 */
export type LineKind = 'decision' | 'check' | 'failure';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean>> & { readonly kind: LineKind };
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function checkLine(check: unknown, rolloutService: string | undefined): LogLine | undefined {
  const c = record(check);
  const name = str(c?.['name']);
  const verdict = str(c?.['verdict']);
  if (!c || !name || !verdict) return undefined;
  const durationMs = c['durationMs'];
  const attempts = c['attempts'];
  return {
    level: verdict === 'failed' ? 'warn' : 'info',
    message: `${name} ${verdict}: ${str(c['message']) ?? ''}`.trimEnd(),
    fields: {
      kind: 'check',
      check: name,
      verdict,
      ...(rolloutService ? { rolloutService } : {}),
      ...(typeof durationMs === 'number' ? { durationMs } : {}),
      ...(typeof attempts === 'number' ? { attempts } : {}),
    },
  };
}

/** The verdict of a result: its own `verdict` field, else the progress status. */
export function verdictOf(result: unknown): string | undefined {
  const r = record(result);
  return str(r?.['verdict']) ?? str(record(r?.['progress'])?.['status']) ?? str(r?.['status']);
}

export function decisionLines(lambdaId: string, result: unknown): LogLine[] {
  const r = record(result);
  const progress = record(r?.['progress']);
  const verdict = verdictOf(result);
  const status = str(progress?.['status']);
  const step = str(progress?.['step']);
  const service = str(progress?.['service']);
  const cause = record(r?.['cause']);
  const waitSeconds = r?.['waitSeconds'];
  const lines: LogLine[] = [
    {
      level: status === 'failed' || verdict === 'failed' ? 'warn' : 'info',
      message: str(progress?.['message']) ?? `${lambdaId} returned without a progress entry`,
      fields: {
        kind: 'decision',
        ...(step ? { step } : {}),
        ...(status ? { status } : {}),
        ...(verdict ? { verdict } : {}),
        ...(service ? { rolloutService: service } : {}),
        ...(typeof waitSeconds === 'number' ? { waitSeconds } : {}),
        ...(str(cause?.['check']) ? { causeCheck: str(cause?.['check']) as string } : {}),
        ...(str(cause?.['message']) ? { causeMessage: str(cause?.['message']) as string } : {}),
      },
    },
  ];
  // Verify's result names its settled check in `check` and again among `checks`: one line each.
  const seen = new Set<string>();
  const checks = [r?.['check'], ...(Array.isArray(r?.['checks']) ? (r['checks'] as unknown[]) : [])];
  for (const check of checks) {
    const line = checkLine(check, service);
    if (line && !seen.has(line.message)) {
      seen.add(line.message);
      lines.push(line);
    }
  }
  const audited = record(r?.['state'])?.['services'];
  if (Array.isArray(audited))
    for (const s of audited) {
      const name = str(record(s)?.['name']);
      const own = record(s)?.['checks'];
      if (Array.isArray(own))
        for (const check of own) {
          const line = checkLine(check, name);
          if (line) lines.push(line);
        }
    }
  return lines;
}

/** The line of an invocation that threw: the error's name (what Step Functions matches) and message. */
export function failureLine(lambdaId: string, error: unknown): LogLine {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    level: 'error',
    message: `${lambdaId} failed: ${err.name}: ${err.message}`,
    fields: { kind: 'failure', errorName: err.name || 'Error', errorMessage: err.message },
  };
}
