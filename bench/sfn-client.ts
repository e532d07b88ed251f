import { SFNClient } from '@aws-sdk/client-sfn';
import { BENCH_ORIGIN_HEADER } from './request-recorder';

export interface CountedSfn {
  readonly client: SFNClient;
  /** Requests sent, by operation (`GetExecutionHistory`, ...), retries included. */
  readonly calls: Map<string, number>;
}

/**
 * An SFNClient for the sandbox that counts every request it sends (middleware on the finalize step,
 * so SDK retries count) and marks them with `origin`, so the request recorder keeps them apart
 * from the requests the Lambdas make.
 */
export function countedSfnClient(endpoint: string, region: string, origin: string): CountedSfn {
  const client = new SFNClient({
    region,
    endpoint,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });
  const calls = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[BENCH_ORIGIN_HEADER] = origin;
      const op = context.commandName?.replace(/Command$/, '') ?? 'unknown';
      calls.set(op, (calls.get(op) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchCountRequests' },
  );
  return { client, calls };
}
