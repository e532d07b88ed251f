/**
 * The subset of LogQL the sandbox evaluates, as plain data built from the official lezer tree.
 * Anything else is refused while building (see from-tree.ts), so the evaluator never guesses.
 */
import type { StreamMatcher } from '../store';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher extends StreamMatcher {
  readonly op: MatchOp;
  readonly value: string;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~';

export interface LineFilter {
  readonly op: LineFilterOp;
  /** `|= "a" or "b"`: alternatives; a negative filter excludes lines matching any of them. */
  readonly values: readonly string[];
  readonly regexes: readonly RegExp[];
}

export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type LabelFilter =
  | { readonly kind: 'match'; readonly matcher: LabelMatcher }
  | { readonly kind: 'number'; readonly name: string; readonly op: CompareOp; readonly value: number }
  | { readonly kind: 'duration'; readonly name: string; readonly op: CompareOp; readonly seconds: number }
  | { readonly kind: 'bytes'; readonly name: string; readonly op: CompareOp; readonly bytes: number }
  | { readonly kind: 'and' | 'or'; readonly left: LabelFilter; readonly right: LabelFilter };

export type Stage =
  | { readonly kind: 'line'; readonly filter: LineFilter }
  | { readonly kind: 'json' }
  | { readonly kind: 'logfmt' }
  | { readonly kind: 'labels'; readonly filter: LabelFilter };

export interface LogSelector {
  readonly matchers: readonly LabelMatcher[];
  readonly stages: readonly Stage[];
}

export type RangeOp = 'count_over_time' | 'rate' | 'bytes_over_time' | 'bytes_rate';
export type VectorOp = 'sum' | 'count' | 'max' | 'min' | 'avg';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '^';

export interface Grouping {
  readonly without: boolean;
  readonly labels: readonly string[];
}

export type SampleExpr =
  | {
      readonly kind: 'range';
      readonly op: RangeOp;
      readonly selector: LogSelector;
      readonly rangeNs: number;
      readonly offsetNs: number;
      /**
       * Loki's parser hint "errors were asked for": parser errors on these series do not fail
       * the query (they are grouped away by the enclosing `sum`).
       */
      readonly preserveErrors: boolean;
    }
  | {
      readonly kind: 'aggregate';
      readonly op: VectorOp;
      readonly grouping: Grouping | null;
      readonly inner: SampleExpr;
    }
  | {
      readonly kind: 'binary';
      readonly op: CompareOp | ArithOp;
      readonly returnBool: boolean;
      readonly left: SampleExpr;
      readonly right: SampleExpr;
    }
  | { readonly kind: 'literal'; readonly value: number };

export type Query =
  | { readonly kind: 'log'; readonly selector: LogSelector }
  | { readonly kind: 'metric'; readonly expr: SampleExpr };
