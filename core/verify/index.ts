export type { Assessment, Measurement, TimeWindow, CheckEvidence, CheckResult, Verdict } from './types';
export { taskIdOf, worstVerdict, EVIDENCE_LIST_LIMIT } from './evidence';
export { assessLogs, type LogsInput } from './logs';
export { assessMetrics, seriesCountOf, type MetricsInput } from './metrics';
export {
  assessAlloyHealth,
  ALLOY_RESTART_SLACK_MS,
  type AlloyHealthInput,
  type SidecarState,
} from './alloy-health';
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
export {
  baselineReading,
  readBaselines,
  unreadableBaselineProblem,
  BASELINE_READ_ATTEMPTS,
  BASELINE_READ_DELAYS_MS,
  type BaselineRead,
  type BaselineReading,
} from './baseline';
export { recordSampleFaults, sampleFaults, SAMPLE_TIME_TOLERANCE_MS, type SampleFaults } from './samples';
export { assessCanary, type CanaryInput, type PushedCanary } from './canary';
export {
  secretKmsKey,
  servicePermissionNeeds,
  type LokiSecretFacts,
  type PermissionNeed,
  type RoleKind,
  type ServiceNeeds,
} from './permissions';
export {
  permissionProblems,
  simulationBatches,
  SIMULATION_BATCH_SIZE,
  type PermissionProblem,
  type SimulationAnswer,
  type SimulationBatch,
  type UncheckedRole,
} from './permission-problems';
export {
  assessDrift,
  registeredByAlloyRollout,
  revisionLabel,
  DRIFT_REQUIREMENT,
  type DriftInput,
  type DriftKind,
} from './drift';
