import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { InvocationKeys } from './invocation-keys';

/** The part of the Powertools Tracer an invocation's subsegment uses. */
export type InvocationTracer = Pick<
  Tracer,
  | 'isTracingEnabled'
  | 'getSegment'
  | 'setSegment'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
  | 'addErrorAsMetadata'
>;

export interface InvocationTrace {
  verdict(verdict: string): void;
  error(error: unknown): void;
  close(): void;
}

const NOTHING: InvocationTrace = { verdict: () => undefined, error: () => undefined, close: () => undefined };

/**
 * Opens the invocation's X-Ray subsegment, `## <LambdaId>`, under the Lambda facade segment and
 * makes it current, so the SDK and fetch subsegments of the invocation nest under it: Powertools'
 * manual instrumentation (Tracer.d.ts, class comment: getSegment, addNewSubsegment, setSegment,
 * and close then restore the parent in `finally`). Annotations (indexed, searchable in X-Ray):
 * executionArn, rolloutService, lambdaId, then the verdict. Does nothing when tracing is off.
 */
export function openInvocationTrace(tracer: InvocationTracer, keys: InvocationKeys): InvocationTrace {
  if (!tracer.isTracingEnabled()) return NOTHING;
  const parent = tracer.getSegment();
  if (!parent) return NOTHING;
  const subsegment = parent.addNewSubsegment(`## ${keys.lambdaId}`);
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  subsegment.addAnnotation('lambdaId', keys.lambdaId);
  if (keys.executionArn) subsegment.addAnnotation('executionArn', keys.executionArn);
  if (keys.rolloutService) subsegment.addAnnotation('rolloutService', keys.rolloutService);
  return {
    verdict: (verdict) => subsegment.addAnnotation('verdict', verdict),
    error: (error) => {
      if (error instanceof Error) tracer.addErrorAsMetadata(error);
    },
    close: () => {
      subsegment.close();
      tracer.setSegment(parent);
    },
  };
}
