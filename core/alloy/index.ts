export {
  validateAlloy,
  SCHEMA_ALLOY_VERSION,
  type Diagnostic,
  type ValidationResult,
  type ValidateOptions,
} from './validate';
export { parseAlloy, AlloySyntaxError } from './syntax/parser';
export type * from './syntax/ast';
