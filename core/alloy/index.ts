export { renderServiceAlloyConfig, type AlloyTarget, type RenderedAlloy } from './render';
export { describeAlloyConfig, type AlloyConfigSummary } from './describe';
export {
  validateAlloy,
  SCHEMA_ALLOY_VERSION,
  type Diagnostic,
  type ValidationResult,
  type ValidateOptions,
} from './validate';
export { parseAlloy, AlloySyntaxError } from './syntax/parser';
export { LOKI_ENV } from './render/names';
export type * from './syntax/ast';
