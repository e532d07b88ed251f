// Importing the Tracer sets AWS_XRAY_CONTEXT_MISSING=IGNORE_ERROR when unset (Tracer.js, top of
// file; Powertools issue #2046), so a call made outside a segment is not an error: the one effect
// at import, and Powertools' own.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { LOG_SERVICE_NAME } from './logger';

let tracer: Tracer | undefined;

/**
 * The one Tracer of the Lambdas, made on first use. Powertools turns tracing off by itself outside
 * Lambda (AWS_EXECUTION_ENV unset), under SAM local or Amplify mock, and with
 * POWERTOOLS_TRACE_ENABLED=false (Tracer.js setTracingEnabled); the sandbox also sets the latter.
 * When on, the constructor patches http/https and subscribes to undici's diagnostics channels
 * (ProviderService.js captureHTTPsGlobal + instrumentFetch), so the Loki, AMP and Grafana requests,
 * which lambdas/clients/http.ts makes with the global fetch (undici), each get a subsegment
 * named after the host under the invocation's subsegment.
 */
export function rolloutTracer(): Tracer {
  tracer ??= new Tracer({ serviceName: LOG_SERVICE_NAME });
  return tracer;
}

/**
 * Every AWS SDK v3 client of the Lambdas goes through here: with tracing on, each call becomes an
 * X-Ray subsegment (service, operation, retries); with it off, the client is returned untouched
 * (Tracer.js captureAWSv3Client), so aws-sdk-client-mock still intercepts it in tests.
 */
export function traced<T>(client: T): T {
  return rolloutTracer().captureAWSv3Client(client);
}
