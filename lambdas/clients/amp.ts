import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { InputInvalidError } from '../../core/errors';
import type { Labels, QueryData } from '../../core/queries/results';
import { checkBaseUrl, joinUrl, parseJsonBody, sendHttp, type FetchLike, type HttpCall } from './http';
import { describePrometheusError, toQueryData, toSeriesList } from './query-format';
import { toUnixSeconds, type TimeInput } from './time';

/** Static credentials or a provider, as the AWS SDK accepts them. */
export type AmpCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface AmpClientOptions {
  /** The workspace root: https://aps-workspaces.<region>.amazonaws.com/workspaces/<id> (or a Prometheus). */
  readonly baseUrl: string;
  readonly region: string;
  /** Default: the default credential chain (environment, web identity, container, instance). */
  readonly credentials?: AmpCredentials | undefined;
  readonly fetchImpl?: FetchLike | undefined;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number | undefined;
}

export interface AmpRangeOptions {
  readonly start: TimeInput;
  readonly end: TimeInput;
  readonly stepMs: number;
}

export interface AmpClient {
  /** POST <base>/api/v1/query (instant). */
  query(promql: string, time?: TimeInput): Promise<QueryData>;
  /** POST <base>/api/v1/query_range. */
  queryRange(promql: string, range: AmpRangeOptions): Promise<QueryData>;
  /**
   * POST <base>/api/v1/series: the label sets of the series matching any selector with samples
   * between start and end (AMP's GetSeries, GET or POST; IAM action aps:GetSeries).
   */
  series(
    selectors: readonly string[],
    range: { readonly start: TimeInput; readonly end: TimeInput },
  ): Promise<Labels[]>;
}

const DEPENDENCY = 'AMP';
// SigV4 service name of Amazon Managed Service for Prometheus.
const SIGNING_SERVICE = 'aps';

/**
 * A Prometheus HTTP API client that signs every request with SigV4 for AMP. Queries go as
 * form-encoded POST bodies, which keeps long PromQL out of URLs and logs.
 */
export function createAmpClient(options: AmpClientOptions): AmpClient {
  checkBaseUrl(
    options.baseUrl,
    'AMP query URL',
    'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-...',
  );
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });

  const post = async (path: string, form: URLSearchParams): Promise<unknown> => {
    const url = joinUrl(options.baseUrl, path);
    const body = form.toString();
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
    );
    // fetch sets Host from the URL (the same value that was signed) and refuses to be given one.
    const headers = Object.fromEntries(
      Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'),
    );
    const request: HttpCall = {
      method: 'POST',
      url,
      headers: { ...headers, accept: 'application/json' },
      body,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    const result = await sendHttp(request, {
      dependency: DEPENDENCY,
      fetchImpl: options.fetchImpl,
      describeErrorBody: describePrometheusError,
    });
    return parseJsonBody(result, request, DEPENDENCY);
  };
  const where = (path: string) => `AMP POST ${joinUrl(options.baseUrl, path).pathname}`;

  return {
    async query(promql, time) {
      const form = new URLSearchParams({ query: promql });
      if (time !== undefined) form.set('time', toUnixSeconds(time));
      return toQueryData(await post('/api/v1/query', form), where('/api/v1/query'));
    },
    async queryRange(promql, range) {
      if (!(range.stepMs > 0))
        throw new InputInvalidError(`queryRange needs a step above 0 ms, got ${range.stepMs}`);
      const form = new URLSearchParams({
        query: promql,
        start: toUnixSeconds(range.start),
        end: toUnixSeconds(range.end),
        step: (range.stepMs / 1000).toString(),
      });
      return toQueryData(await post('/api/v1/query_range', form), where('/api/v1/query_range'));
    },
    async series(selectors, range) {
      if (selectors.length === 0)
        throw new InputInvalidError('series needs at least one selector (match[]), got none');
      const form = new URLSearchParams();
      for (const selector of selectors) form.append('match[]', selector);
      form.set('start', toUnixSeconds(range.start));
      form.set('end', toUnixSeconds(range.end));
      return toSeriesList(await post('/api/v1/series', form), where('/api/v1/series'));
    },
  };
}
