import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import AWSXRay from 'aws-xray-sdk-core';
import {
  openInvocationTrace,
  type InvocationTracer,
} from '../../../../lambdas/observability/invocation-trace';
import { traced } from '../../../../lambdas/observability/tracer';

/** A Tracer made under the given environment (Powertools reads it in the constructor). */
function tracerWith(env: Record<string, string | undefined>): Tracer {
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return new Tracer({ serviceName: 'alloy-rollout' });
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('tracing outside Lambda', () => {
  it('is off without AWS_EXECUTION_ENV, and off with POWERTOOLS_TRACE_ENABLED=false even where it is set (the sandbox)', () => {
    expect(tracerWith({ AWS_EXECUTION_ENV: undefined }).isTracingEnabled()).toBe(false);
    expect(
      tracerWith({
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
        POWERTOOLS_TRACE_ENABLED: 'false',
      }).isTracingEnabled(),
    ).toBe(false);
  });

  it('leaves an SDK client untouched, so aws-sdk-client-mock still intercepts it', () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const send = client.send;
    expect(traced(client)).toBe(client);
    expect(client.send).toBe(send);
    client.destroy();
  });

  it('opens no subsegment when tracing is off', () => {
    const tracer = tracerWith({ AWS_EXECUTION_ENV: undefined });
    const trace = openInvocationTrace(tracer, { lambdaId: 'Lock', executionArn: 'arn:x' });
    expect(() => {
      trace.verdict('ok');
      trace.close();
    }).not.toThrow();
  });
});

describe('openInvocationTrace in Lambda', () => {
  it('opens ## <LambdaId> under the facade segment with its annotations, then closes it and restores the parent', () => {
    const facade = new AWSXRay.Segment('alloy-rollout-Verify');
    const context: { current: AWSXRay.Segment | AWSXRay.Subsegment } = { current: facade };
    const tracer: InvocationTracer = {
      isTracingEnabled: () => true,
      getSegment: () => context.current,
      setSegment: (s) => {
        context.current = s;
      },
      annotateColdStart: () => undefined,
      addServiceNameAnnotation: () => undefined,
      addErrorAsMetadata: () => undefined,
    };
    const trace = openInvocationTrace(tracer, {
      lambdaId: 'Verify',
      executionArn: 'arn:aws:states:eu-west-1:1:execution:alloy-rollout:run-1',
      rolloutService: 'history',
    });
    const sub = context.current as AWSXRay.Subsegment;
    expect(sub.name).toBe('## Verify');
    expect(facade.subsegments).toContain(sub);
    trace.verdict('passed');
    trace.close();
    expect(context.current).toBe(facade);
    const doc = JSON.parse(JSON.stringify(sub)) as { annotations: Record<string, string>; end_time?: number };
    expect(doc.annotations).toEqual({
      lambdaId: 'Verify',
      executionArn: 'arn:aws:states:eu-west-1:1:execution:alloy-rollout:run-1',
      rolloutService: 'history',
      verdict: 'passed',
    });
    expect(doc.end_time).toBeGreaterThan(0);
  });
});
