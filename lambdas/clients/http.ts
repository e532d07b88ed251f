import {
  DependencyRejectedError,
  InputInvalidError,
  ThrottledError,
  TransientError,
} from '../../core/errors';

/** The global fetch, or a stand-in with the same shape (tests, instrumentation). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export const DEFAULT_TIMEOUT_MS = 10_000;
// Error bodies land in messages, the report and Step Functions causes: keep them short.
const BODY_LIMIT = 500;

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  /**
   * Non-2xx statuses answered as results instead of errors, for APIs whose error answers are
   * evidence (Grafana's 404 for a missing datasource, its 400 health and query answers).
   */
  readonly accept?: readonly number[];
}

export interface HttpOptions {
  /** Who is called, for messages: "Loki", "AMP". */
  readonly dependency: string;
  readonly fetchImpl?: FetchLike | undefined;
  /** Turns an error body into the text for the message (e.g. Prometheus' errorType/error JSON). */
  readonly describeErrorBody?: (text: string) => string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export function trimBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_LIMIT ? `${flat.slice(0, BODY_LIMIT)}...` : flat;
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * One HTTP request with a timeout, answered with the body as text on 2xx. Failures become the
 * named errors Step Functions matches on: 429 => ThrottledError; 5xx, timeouts and connection
 * errors => TransientError (both retried by the ASL); any other non-2xx => DependencyRejectedError
 * with the method, the URL path, the status and the body in the message.
 */
export async function sendHttp(call: HttpCall, options: HttpOptions): Promise<HttpResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${call.method} ${call.url.pathname}`;
  const details = { dependency: options.dependency, method: call.method, path: call.url.pathname };

  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(call.url, {
      method: call.method,
      ...(call.headers ? { headers: { ...call.headers } } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: unknown } | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new TransientError(
        `${options.dependency} did not answer ${where} within ${timeoutMs} ms`,
        details,
        { cause: error },
      );
    }
    const code = errorCode(error);
    throw new TransientError(
      `${options.dependency} could not be reached for ${where}: ${code ?? (error instanceof Error ? error.message : String(error))}`,
      { ...details, ...(code ? { code } : {}) },
      { cause: error },
    );
  }

  if ((response.status >= 200 && response.status < 300) || call.accept?.includes(response.status))
    return { status: response.status, headers: response.headers, text };

  const body = trimBody(options.describeErrorBody ? options.describeErrorBody(text) : text);
  const message = `${options.dependency} answered ${where} with HTTP ${response.status}${body ? `: ${body}` : ''}`;
  const errorDetails = { ...details, status: response.status, body };
  if (response.status === 429) throw new ThrottledError(message, errorDetails);
  if (response.status >= 500) throw new TransientError(message, errorDetails);
  throw new DependencyRejectedError(message, errorDetails);
}

/** Parses a JSON body, naming the dependency and the call when it is not JSON. */
export function parseJsonBody(result: HttpResult, call: HttpCall, dependency: string): unknown {
  try {
    return JSON.parse(result.text) as unknown;
  } catch (error) {
    throw new DependencyRejectedError(
      `${dependency} answered ${call.method} ${call.url.pathname} with a body that is not JSON: ${trimBody(result.text)}`,
      { dependency, method: call.method, path: call.url.pathname, status: result.status },
      { cause: error },
    );
  }
}

/** `<base>/<path>`, whether or not the base ends with a slash or carries a path prefix. */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  base.search = '';
  return base;
}

/** Checks a configured base URL once, when the client is built, so a typo names itself. */
export function checkBaseUrl(text: string, what: string, example: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new InputInvalidError(
      `${what} ${JSON.stringify(text)} is not an http(s) URL: expected e.g. "${example}"`,
    );
}
