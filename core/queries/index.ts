export { quoteString, selector, rangeOf } from './escape';
export { LABELS, CANARY_STREAM_LABELS } from './labels';
export {
  type StreamScope,
  streamLabelsSelector,
  logLinesByTask,
  jsonErrorsByTask,
  canaryLines,
  canaryPushStream,
} from './logql';
export { ALLOY_SELF_METRICS, UNHEALTHY_COMPONENT_STATES, alloySelfMetrics } from './alloy-self';
export { seriesCountForService, serviceSeriesSelector, upByTask, upSamplesOverWindow } from './promql';
export {
  type Labels,
  type MetricPoint,
  type MetricSample,
  type MetricSeries,
  type LogEntry,
  type LogStream,
  type QueryData,
  latestSamples,
  parseSampleValue,
} from './results';
export { checkQuery, describeProblem, type GrammarProblem, type QueryLanguage } from './grammar';
