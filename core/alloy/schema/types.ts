/**
 * The shape of the component table the validator checks against. Each entry is copied from the
 * Alloy v1.18.1 reference page named in its `doc` field.
 */

/** Kinds of values that flow between components; a receiver only accepts its own kind. */
export type ReceiverKind = 'loki.LogsReceiver' | 'storage.Appendable' | 'otelcol.Consumer';

/** What an export or an argument holds. */
export type ValueKind =
  | 'string'
  | 'secret'
  | 'number'
  | 'bool'
  | 'duration'
  | 'list(string)'
  | 'map(string)'
  | 'map(list(string))'
  | 'targets'
  | 'relabel-rules'
  | 'any'
  | { readonly receiver: ReceiverKind }
  | { readonly receivers: ReceiverKind };

export interface AttributeSpec {
  readonly type: ValueKind;
  readonly required?: boolean;
  /** Allowed string values, when the reference lists them. */
  readonly oneOf?: readonly string[];
}

export interface BlockSpec {
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly blocks?: Readonly<Record<string, NestedBlockSpec>>;
  /**
   * The table lists only the arguments this project relies on; other attributes and blocks are
   * accepted unchecked (used for wide OpenTelemetry blocks whose full lists change often).
   */
  readonly open?: boolean;
}

export interface NestedBlockSpec extends BlockSpec {
  readonly required?: boolean;
  /** May the block appear more than once (endpoint, rule, stage.*)? */
  readonly repeatable?: boolean;
}

export interface ComponentSpec extends BlockSpec {
  /** Reference page the entry is copied from. */
  readonly doc: string;
  /** Components need a label; top-level configuration blocks such as `logging` take none. */
  readonly labelled: boolean;
  readonly exports: Readonly<Record<string, ValueKind>>;
}

export const LOGS: ValueKind = { receiver: 'loki.LogsReceiver' };
export const METRICS: ValueKind = { receiver: 'storage.Appendable' };
export const OTEL: ValueKind = { receiver: 'otelcol.Consumer' };
export const FORWARD_LOGS: AttributeSpec = { type: { receivers: 'loki.LogsReceiver' }, required: true };
export const FORWARD_METRICS: AttributeSpec = { type: { receivers: 'storage.Appendable' }, required: true };
export const opt = (type: ValueKind, oneOf?: readonly string[]): AttributeSpec =>
  oneOf ? { type, oneOf } : { type };
export const req = (type: ValueKind): AttributeSpec => ({ type, required: true });
