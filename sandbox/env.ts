/**
 * The environment that points the AWS SDK v3 clients at the sandbox: service-specific endpoint
 * variables (the SDK's "configurable endpoints"), a catch-all endpoint so nothing reaches real AWS,
 * and dummy credentials (the sandbox does not check signatures).
 */
export const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_ECS',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL',
] as const;

export function sandboxEnv(url: string, region: string, lockTableName: string): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_EC2_METADATA_DISABLED: 'true',
    LOCK_TABLE_NAME: lockTableName,
    // Powertools' Tracer turns itself on wherever AWS_EXECUTION_ENV is set (Tracer.js
    // setTracingEnabled), which is not only Lambda (AWS CloudShell sets it too); the sandbox has no
    // X-Ray daemon and no facade segment, so tracing is off here whatever the host.
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  for (const name of ENDPOINT_VARIABLES) env[name] = url;
  return env;
}

/** Sets the variables in this process; returns a function that puts the previous values back. */
export function applyEnv(
  env: Readonly<Record<string, string>>,
  target: NodeJS.ProcessEnv = process.env,
): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    previous.set(k, target[k]);
    target[k] = v;
  }
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete target[k];
      else target[k] = v;
    }
  };
}
