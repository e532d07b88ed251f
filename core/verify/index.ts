export type { Assessment, Measurement, TimeWindow, CheckEvidence, CheckResult, Verdict } from './types';
export { taskIdOf, worstVerdict, EVIDENCE_LIST_LIMIT } from './evidence';
export { assessLogs, type LogsInput } from './logs';
export { assessMetrics, seriesCountOf, type MetricsInput } from './metrics';
export { assessCustom, singleValue, type CustomCheckSpec, type CustomValue } from './custom';
export { assessCloudWatch, type CloudWatchInput, type LogStreamSeen } from './cloudwatch';
export {
  assessDeployment,
  taskDefinitionKey,
  type DeploymentInput,
  type EcsDeploymentLike,
  type EcsServiceLike,
} from './deployment';
export { settle, type SettleClock, type Settled, type SettleDecision } from './settle';
