/**
 * Alloy's standard library (https://grafana.com/docs/alloy/latest/reference/stdlib/ and
 * syntax/internal/stdlib/stdlib.go): namespaced functions, constant values, and the old
 * un-namespaced names that still work but are deprecated.
 */
export const STDLIB_FUNCTIONS: ReadonlySet<string> = new Set([
  'array.combine_maps',
  'array.concat',
  'coalesce',
  'convert.nonsensitive',
  'encoding.from_URLbase64',
  'encoding.from_base64',
  'encoding.from_json',
  'encoding.from_yaml',
  'encoding.to_URLbase64',
  'encoding.to_base64',
  'file.path_join',
  'json_path',
  'string.format',
  'string.join',
  'string.replace',
  'string.split',
  'string.to_lower',
  'string.to_upper',
  'string.trim',
  'string.trim_prefix',
  'string.trim_space',
  'string.trim_suffix',
  'sys.env',
]);

/** constants.md: values, not functions. */
export const STDLIB_VALUES: ReadonlySet<string> = new Set([
  'constants.hostname',
  'constants.os',
  'constants.arch',
]);

/** Deprecated identifier -> its replacement (stdlib.go, DeprecatedIdentifiers). */
export const DEPRECATED_FUNCTIONS: Readonly<Record<string, string>> = {
  env: 'sys.env',
  nonsensitive: 'convert.nonsensitive',
  concat: 'array.concat',
  json_decode: 'encoding.from_json',
  yaml_decode: 'encoding.from_yaml',
  base64_decode: 'encoding.from_base64',
  format: 'string.format',
  join: 'string.join',
  replace: 'string.replace',
  split: 'string.split',
  to_lower: 'string.to_lower',
  to_upper: 'string.to_upper',
  trim: 'string.trim',
  trim_prefix: 'string.trim_prefix',
  trim_suffix: 'string.trim_suffix',
  trim_space: 'string.trim_space',
};

/** First identifiers that name the standard library rather than a component. */
export const STDLIB_ROOTS: ReadonlySet<string> = new Set([
  ...[...STDLIB_FUNCTIONS, ...STDLIB_VALUES].map((name) => name.split('.')[0] as string),
  ...Object.keys(DEPRECATED_FUNCTIONS),
]);
