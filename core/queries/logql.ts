import { InputInvalidError } from '../errors';
import { quoteString, rangeOf, selector } from './escape';
import { CANARY_STREAM_LABELS, LABELS } from './labels';

/** Which streams belong to one service of one cluster. Values are raw; they are escaped here. */
export interface StreamScope {
  readonly cluster: string;
  readonly service: string;
}

/** `{cluster="..",service_name=".."}`, for series/labels lookups and log queries. */
export function streamLabelsSelector(scope: StreamScope): string {
  return selector({ [LABELS.cluster]: scope.cluster, [LABELS.service]: scope.service });
}

/** Lines per task over the window; a task without lines is simply absent from the result. */
export function logLinesByTask(scope: StreamScope, windowMs: number): string {
  return `sum by (${LABELS.task}) (count_over_time(${streamLabelsSelector(scope)}${rangeOf(windowMs)}))`;
}

/**
 * Lines per task that `| json` could not parse. `__error__` is set by the parser stage only, so
 * the filter keeps exactly the unparseable lines.
 */
export function jsonErrorsByTask(scope: StreamScope, windowMs: number): string {
  return `sum by (${LABELS.task}) (count_over_time(${streamLabelsSelector(scope)} | json | __error__!="" ${rangeOf(windowMs)}))`;
}

/**
 * Lines per task and container over the window: the logs check requires each main container of
 * each task, so a helper container's lines cannot stand for the application's.
 */
export function logLinesByContainer(scope: StreamScope, windowMs: number): string {
  return `sum by (${LABELS.task}, ${LABELS.container}) (count_over_time(${streamLabelsSelector(scope)}${rangeOf(windowMs)}))`;
}

/** Lines per task and container that `| json` could not parse (see `jsonErrorsByTask`). */
export function jsonErrorsByContainer(scope: StreamScope, windowMs: number): string {
  return `sum by (${LABELS.task}, ${LABELS.container}) (count_over_time(${streamLabelsSelector(scope)} | json | __error__!="" ${rangeOf(windowMs)}))`;
}

/**
 * The canary line read back by its unique marker. The stream selector is the canary labels plus
 * `extraSelector` (e.g. `{cluster: 'temporal-dev'}`); a line filter needs a selector in LogQL.
 */
export function canaryLines(marker: string, extraSelector: Readonly<Record<string, string>> = {}): string {
  if (marker === '') throw new InputInvalidError('expected a non-empty canary marker');
  return `${selector({ ...CANARY_STREAM_LABELS, ...extraSelector })} |= ${quoteString(marker)}`;
}

/** The canary's line text: the marker alone would also match any line that happens to quote it. */
export function canaryLineText(marker: string): string {
  return `alloy-rollout canary ${marker}`;
}

/**
 * The stream the Loki step pushes for the canary round trip, labelled so that `canaryLines` with
 * the same marker and extra labels reads it back. Shaped for Loki's JSON push API.
 */
export function canaryPushStream(
  marker: string,
  timestampNs: string,
  extraLabels: Readonly<Record<string, string>> = {},
): { stream: Record<string, string>; values: [string, string][] } {
  if (marker === '') throw new InputInvalidError('expected a non-empty canary marker');
  return {
    stream: { ...CANARY_STREAM_LABELS, ...extraLabels },
    values: [[timestampNs, canaryLineText(marker)]],
  };
}
