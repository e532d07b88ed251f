import { CANARY_STREAM_LABELS } from '../core/queries/labels';
import { seriesCountForService } from '../core/queries/promql';
import type { PrometheusErrorAnswer } from './prometheus/amp-proxy';

/**
 * Which of the product's requests the request-level faults hit. They are recognised by what the
 * product sends (labels, query text), read from the same builders the product uses, so that a
 * change to a query cannot silently turn a fault into a no-op.
 */

/** The stream the Loki step pushes for its canary round trip; no sidecar stream carries its labels. */
export function isCanaryStream(labels: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(CANARY_STREAM_LABELS).every(([name, value]) => labels[name] === value);
}

const PLACEHOLDER = '"x"';
/** A Go string literal, as the builders quote label values (`quoteString` in core/queries). */
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;

/** `count({service_name="<any service>"})`: the series count preflight takes as the baseline. */
export function isSeriesCountQuery(query: string): boolean {
  const [before = '', after = ''] = seriesCountForService('x').split(PLACEHOLDER);
  if (!query.startsWith(before) || !query.endsWith(after)) return false;
  return QUOTED.test(query.slice(before.length, query.length - after.length));
}

/**
 * What Prometheus (and AMP) answers when a query cannot be executed: 422 with errorType
 * "execution". The message is the one its engine gives for a query over the sample limit.
 */
export const SERIES_COUNT_UNREADABLE: PrometheusErrorAnswer = {
  status: 422,
  errorType: 'execution',
  error: 'query processing would load too many samples into memory in query execution',
};
