export type * from './types';
export { toRegisterInput, arnOf, READ_ONLY_FIELDS } from './register-input';
export { readTaskDefinition } from './shape';
export { migrate, type MigrateResult, type MigrateOptions } from './migrate';
export { revert, type RevertResult } from './revert';
export { collectorOf, logDriverOf, isAdotImage } from './detect';
export { diffTaskDefinitions } from './diff';
export { BASELINE_TAG, ALLOY_CONTAINER, ALLOY_INIT_CONTAINER, VOLUMES } from './names';
export { REFUSAL_REASONS, type RefusalReason } from './refusal';
