import { S3Client } from '@aws-sdk/client-s3';
import { traced } from '../observability/tracer';

/**
 * The S3 client of the Lambdas (the Loki step lists Loki's chunks). One module per client so a
 * handler's bundle carries only the SDK clients it imports; built per invocation because the
 * endpoint variables are resolved once per client. With an endpoint set (AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL: a local stand-in), requests are path-style (`<endpoint>/<bucket>?list-type=2`):
 * virtual-hosted style would put the bucket in the host name, which a loopback address cannot
 * carry.
 */
export function createS3Client(region: string, env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpointSet = Boolean(env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL']);
  return traced(new S3Client({ region, ...(endpointSet ? { forcePathStyle: true } : {}) }));
}
