import { rangeOf } from './escape';
import { LABELS } from './labels';
import { streamLabelsSelector, type StreamScope } from './logql';

/**
 * Lines per task and container over the shadow window, evaluated at the window's end: the Loki
 * side of the shadow step's comparison with CloudWatch's awslogs streams.
 */
export function shadowLinesByStream(scope: StreamScope, windowMs: number): string {
  return `sum by (${LABELS.task}, ${LABELS.container}) (count_over_time(${streamLabelsSelector(scope)}${rangeOf(windowMs)}))`;
}
