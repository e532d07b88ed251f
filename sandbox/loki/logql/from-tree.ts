import { parser } from '@grafana/lezer-logql';
import { parseBytes, parseDurationNs } from '../durations';
import { compileRe2 } from '../regex';
import type {
  ArithOp,
  CompareOp,
  Grouping,
  LabelFilter,
  LabelMatcher,
  LineFilter,
  LineFilterOp,
  LogSelector,
  MatchOp,
  Query,
  RangeOp,
  SampleExpr,
  Stage,
  VectorOp,
} from './ast';
import { badQuery, unsupported } from './query-error';

/** The node type of the grammar's own @lezer/common copy (its ESM build). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/**
 * Builds the evaluator's AST by walking the tree of Grafana's own LogQL grammar
 * (`@grafana/lezer-logql`). Syntax errors and unsupported constructs become 400 texts.
 */
export function parseLogQL(query: string): Query {
  if (query.trim() === '') throw badQuery('parse error at line 1, col 1: syntax error: unexpected $end');
  const tree = parser.parse(query);
  tree.iterate({
    enter: (node) => {
      if (!node.type.isError) return undefined;
      const { line, col } = lineCol(query, node.from);
      const near = query.slice(node.from, node.from + 20);
      throw badQuery(
        `parse error at line ${line}, col ${col}: syntax error: unexpected ${near === '' ? '$end' : JSON.stringify(near)}`,
      );
    },
  });
  const top = tree.topNode.getChild('Expr');
  if (!top) throw badQuery('parse error : syntax error: expected a log or metric query');
  return new Builder(query).query(top);
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before[before.length - 1] ?? '').length + 1 };
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** Go's strconv.Unquote for the two string forms LogQL allows. */
export function unquote(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, -1);
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      case '\\':
      case '"':
      case "'":
        out += n;
        break;
      default:
        if (n !== undefined && /[0-7]/.test(n)) {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
          break;
        }
        throw badQuery(`parse error : invalid escape sequence \\${n ?? ''} in ${raw}`);
    }
  }
  return out;
}

const MATCH_OPS: Readonly<Record<string, MatchOp>> = { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' };
const LINE_OPS: Readonly<Record<string, LineFilterOp>> = {
  PipeExact: '|=',
  Neq: '!=',
  PipeMatch: '|~',
  Nre: '!~',
};
const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
  Eql: '==',
  Eq: '==',
  Neq: '!=',
};
const ARITH_OPS: Readonly<Record<string, ArithOp>> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
};
const RANGE_OPS: Readonly<Record<string, RangeOp>> = {
  CountOverTime: 'count_over_time',
  Rate: 'rate',
  BytesOverTime: 'bytes_over_time',
  BytesRate: 'bytes_rate',
};
const VECTOR_OPS: Readonly<Record<string, VectorOp>> = {
  Sum: 'sum',
  Count: 'count',
  Max: 'max',
  Min: 'min',
  Avg: 'avg',
};

export function makeMatcher(name: string, op: MatchOp, value: string): LabelMatcher {
  if (op === '=') return { name, op, value, matches: (v) => v === value };
  if (op === '!=') return { name, op, value, matches: (v) => v !== value };
  const re = compileRe2(value, 'anchored');
  if (op === '=~') return { name, op, value, matches: (v) => re.test(v) };
  return { name, op, value, matches: (v) => !re.test(v) };
}

function labelFilterNames(filter: LabelFilter): string[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...labelFilterNames(filter.left), ...labelFilterNames(filter.right)];
    case 'match':
      return [filter.matcher.name];
    default:
      return [filter.name];
  }
}

/**
 * Loki's NewParserHint: parser errors are "specifically requested", and so do not fail a metric
 * query, when `__error__` is among the labels the query needs and Loki knows that list, which is
 * only when a `sum` (with `by`, or with no grouping) directly wraps the range aggregation.
 * `sum by (task_id) (count_over_time({...} | json | __error__!="" [5m]))` therefore works, while
 * the same count_over_time on its own fails with a pipeline error, as in Loki.
 */
function preservesErrors(selector: LogSelector, outerSum: Grouping | undefined): boolean {
  if (outerSum === undefined || outerSum.without) return false;
  const required = selector.stages.flatMap((stage) =>
    stage.kind === 'labels' ? labelFilterNames(stage.filter) : [],
  );
  const hints = [...required, ...outerSum.labels];
  return hints.includes('__error__');
}

class Builder {
  constructor(private readonly text: string) {}

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private only(node: SyntaxNode, name: string): SyntaxNode {
    const child = node.getChild(name);
    if (!child) throw badQuery(`parse error : expected ${name} in ${JSON.stringify(this.src(node))}`);
    return child;
  }

  query(expr: SyntaxNode): Query {
    const inner = expr.firstChild;
    if (inner?.name === 'LogExpr') return { kind: 'log', selector: this.logExpr(inner) };
    if (inner?.name === 'MetricExpr') return { kind: 'metric', expr: this.metric(inner) };
    throw unsupported(JSON.stringify(this.src(expr)));
  }

  private logExpr(node: SyntaxNode): LogSelector {
    for (const child of children(node)) {
      if (child.name !== 'Selector' && child.name !== 'PipelineExpr')
        throw unsupported(`${child.name} ${JSON.stringify(this.src(child))}`);
    }
    const pipeline = node.getChild('PipelineExpr');
    return this.selector(this.only(node, 'Selector'), pipeline);
  }

  private selector(selector: SyntaxNode, pipeline: SyntaxNode | null): LogSelector {
    const matchers: LabelMatcher[] = [];
    const collect = (node: SyntaxNode): void => {
      for (const child of children(node)) {
        if (child.name === 'Matchers') collect(child);
        else if (child.name === 'Matcher') matchers.push(this.matcher(child));
      }
    };
    collect(selector);
    // Loki refuses selectors that could match every stream.
    if (!matchers.some((m) => (m.op === '=' || m.op === '=~') && !m.matches(''))) {
      throw badQuery(
        'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
      );
    }
    return { matchers, stages: pipeline ? this.pipeline(pipeline) : [] };
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const [ident, opNode, value] = children(node);
    const op = opNode ? MATCH_OPS[opNode.name] : undefined;
    if (!ident || !op || !value || value.name !== 'String')
      throw unsupported(`matcher ${JSON.stringify(this.src(node))}`);
    return makeMatcher(this.src(ident), op, unquote(this.src(value)));
  }

  private pipeline(node: SyntaxNode): Stage[] {
    const stages: Stage[] = [];
    for (const child of children(node)) {
      if (child.name === 'PipelineExpr') stages.push(...this.pipeline(child));
      else if (child.name === 'PipelineStage') stages.push(...this.stage(child));
      else throw unsupported(`${child.name} ${JSON.stringify(this.src(child))}`);
    }
    return stages;
  }

  private stage(node: SyntaxNode): Stage[] {
    const parts = children(node).filter((c) => c.name !== 'Pipe');
    const [part] = parts;
    if (!part || parts.length !== 1) throw unsupported(`pipeline stage ${JSON.stringify(this.src(node))}`);
    switch (part.name) {
      case 'LineFilters':
        return this.lineFilters(part).map((filter) => ({ kind: 'line', filter }));
      case 'LabelParser':
        if (part.getChild('Json')) return [{ kind: 'json' }];
        throw unsupported(`parser ${JSON.stringify(this.src(part))} (supported: json, logfmt)`);
      case 'LogfmtParser':
        if (part.getChild('LogfmtParserFlags'))
          throw unsupported(`logfmt flags ${JSON.stringify(this.src(part))}`);
        return [{ kind: 'logfmt' }];
      case 'LabelFilter':
        return [{ kind: 'labels', filter: this.labelFilter(part) }];
      default:
        throw unsupported(
          `pipeline stage ${JSON.stringify(this.src(node))} (supported: line filters, json, logfmt, label filters)`,
        );
    }
  }

  private lineFilters(node: SyntaxNode): LineFilter[] {
    const out: LineFilter[] = [];
    for (const child of children(node)) {
      if (child.name === 'LineFilters') out.push(...this.lineFilters(child));
      else if (child.name === 'LineFilter') out.push(this.lineFilter(child));
    }
    return out;
  }

  private lineFilter(node: SyntaxNode): LineFilter {
    const opNode = this.only(node, 'Filter').firstChild;
    const op = opNode ? LINE_OPS[opNode.name] : undefined;
    if (!op) throw unsupported(`line filter ${JSON.stringify(this.src(node))} (supported: |=, !=, |~, !~)`);
    const values: string[] = [];
    const collect = (n: SyntaxNode): void => {
      for (const child of children(n)) {
        if (child.name === 'String') values.push(unquote(this.src(child)));
        else if (child.name === 'OrFilter') collect(child);
        else if (child.name !== 'Filter' && child.name !== 'Or')
          throw unsupported(`line filter ${JSON.stringify(this.src(node))}`);
      }
    };
    collect(node);
    const regexes = op === '|~' || op === '!~' ? values.map((v) => compileRe2(v, 'search')) : [];
    return { op, values, regexes };
  }

  private labelFilter(node: SyntaxNode): LabelFilter {
    const parts = children(node);
    if (parts.length === 1) {
      const [part] = parts as [SyntaxNode];
      switch (part.name) {
        case 'LabelFilter':
          return this.labelFilter(part);
        case 'Matcher':
          return { kind: 'match', matcher: this.matcher(part) };
        case 'NumberFilter':
          return this.numberFilter(part);
        case 'UnitFilter':
          return this.unitFilter(part);
        default:
          throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
      }
    }
    const filters = parts.filter((p) => p.name === 'LabelFilter');
    const [left, right] = filters;
    if (filters.length !== 2 || !left || !right)
      throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
    // `a, b` (no keyword) means `a and b`.
    const kind = node.getChild('Or') ? 'or' : 'and';
    return { kind, left: this.labelFilter(left), right: this.labelFilter(right) };
  }

  private compareOp(node: SyntaxNode | null, whole: SyntaxNode): CompareOp {
    const op = node ? COMPARE_OPS[node.name] : undefined;
    if (!op) throw unsupported(`comparison in ${JSON.stringify(this.src(whole))}`);
    return op;
  }

  private numberFilter(node: SyntaxNode): LabelFilter {
    const [ident, opNode, literal] = children(node);
    if (!ident || !literal || literal.name !== 'LiteralExpr')
      throw unsupported(`number filter ${JSON.stringify(this.src(node))}`);
    return {
      kind: 'number',
      name: this.src(ident),
      op: this.compareOp(opNode ?? null, node),
      value: this.literal(literal),
    };
  }

  private unitFilter(node: SyntaxNode): LabelFilter {
    const inner = node.firstChild;
    const [ident, opNode, value] = inner ? children(inner) : [];
    if (!inner || !ident || !value) throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
    const op = this.compareOp(opNode ?? null, node);
    if (inner.name === 'DurationFilter') {
      const ns = parseDurationNs(this.src(value));
      if (ns === null) throw badQuery(`parse error : invalid duration ${JSON.stringify(this.src(value))}`);
      return { kind: 'duration', name: this.src(ident), op, seconds: ns / 1e9 };
    }
    if (inner.name === 'BytesFilter') {
      const bytes = parseBytes(this.src(value));
      if (bytes === null) throw badQuery(`parse error : invalid bytes ${JSON.stringify(this.src(value))}`);
      return { kind: 'bytes', name: this.src(ident), op, bytes };
    }
    throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
  }

  private literal(node: SyntaxNode): number {
    const text = this.src(node).replace(/\s+/g, '');
    const value = Number(text);
    if (Number.isNaN(value) && !/^[+-]?nan$/i.test(text))
      throw badQuery(`parse error : invalid number ${JSON.stringify(text)}`);
    return value;
  }

  /** `outerSum`: the grouping of a `sum` directly around a range aggregation (see rangeAggregation). */
  private metric(node: SyntaxNode, outerSum?: Grouping): SampleExpr {
    const parts = children(node);
    const [part] = parts;
    if (!part) throw unsupported(JSON.stringify(this.src(node)));
    // `( expr )`: the parenthesised MetricExpr is the only named child.
    const named = parts.filter((p) => p.name !== '(' && p.name !== ')');
    if (named.length === 1 && named[0]?.name === 'MetricExpr') return this.metric(named[0], outerSum);
    switch (part.name) {
      case 'RangeAggregationExpr':
        return this.rangeAggregation(part, outerSum);
      case 'VectorAggregationExpr':
        return this.vectorAggregation(part);
      case 'BinOpExpr':
        return this.binary(part);
      case 'LiteralExpr':
        return { kind: 'literal', value: this.literal(part) };
      default:
        throw unsupported(
          `${part.name} ${JSON.stringify(this.src(part))} (supported: count_over_time, rate, bytes_over_time, bytes_rate, sum/count/max/min/avg, binary operators with a scalar)`,
        );
    }
  }

  private rangeAggregation(node: SyntaxNode, outerSum?: Grouping): SampleExpr {
    const opNode = this.only(node, 'RangeOp').firstChild;
    const op = opNode ? RANGE_OPS[opNode.name] : undefined;
    if (!op)
      throw unsupported(
        `range aggregation ${JSON.stringify(this.src(this.only(node, 'RangeOp')))} (supported: count_over_time, rate, bytes_over_time, bytes_rate)`,
      );
    if (node.getChild('Grouping'))
      throw unsupported(`grouping on ${op} (only unwrapped range aggregations accept by/without)`);
    if (node.getChild('Number')) throw unsupported(`parameter on ${op}`);
    const range = this.only(node, 'LogRangeExpr');
    for (const child of children(range)) {
      if (!['Selector', 'PipelineExpr', 'Range', 'OffsetExpr'].includes(child.name))
        throw unsupported(`${child.name} ${JSON.stringify(this.src(child))}`);
    }
    const rangeNs = parseDurationNs(this.src(this.only(this.only(range, 'Range'), 'Duration')));
    if (rangeNs === null || rangeNs <= 0)
      throw badQuery(`parse error : invalid range ${JSON.stringify(this.src(this.only(range, 'Range')))}`);
    const offset = range.getChild('OffsetExpr');
    const offsetNs = offset ? parseDurationNs(this.src(this.only(offset, 'Duration'))) : 0;
    if (offsetNs === null)
      throw badQuery(`parse error : invalid offset ${JSON.stringify(this.src(offset as SyntaxNode))}`);
    const selector = this.selector(this.only(range, 'Selector'), range.getChild('PipelineExpr'));
    return {
      kind: 'range',
      op,
      selector,
      rangeNs,
      offsetNs,
      preserveErrors: preservesErrors(selector, outerSum),
    };
  }

  private vectorAggregation(node: SyntaxNode): SampleExpr {
    const opNode = this.only(node, 'VectorOp').firstChild;
    const op = opNode ? VECTOR_OPS[opNode.name] : undefined;
    if (!op)
      throw unsupported(
        `vector aggregation ${JSON.stringify(this.src(this.only(node, 'VectorOp')))} (supported: sum, count, max, min, avg)`,
      );
    if (node.getChild('Number')) throw unsupported(`parameter on ${op}`);
    const groupingNode = node.getChild('Grouping');
    let grouping: Grouping | null = null;
    if (groupingNode) {
      const labels = groupingNode.getChild('Labels');
      const names: string[] = [];
      const collect = (n: SyntaxNode | null): void => {
        if (!n) return;
        for (const child of children(n)) {
          if (child.name === 'Identifier') names.push(this.src(child));
          else if (child.name === 'Labels') collect(child);
        }
      };
      collect(labels);
      grouping = { without: groupingNode.getChild('Without') !== null, labels: names };
    }
    // Loki pushes a sum's grouping down into the range aggregation it wraps (and only a sum's).
    const pushDown = op === 'sum' ? (grouping ?? { without: false, labels: [] }) : undefined;
    return { kind: 'aggregate', op, grouping, inner: this.metric(this.only(node, 'MetricExpr'), pushDown) };
  }

  private binary(node: SyntaxNode): SampleExpr {
    const parts = children(node);
    const exprs = parts.filter((p) => p.name === 'Expr');
    const opNode = parts.find((p) => COMPARE_OPS[p.name] !== undefined || ARITH_OPS[p.name] !== undefined);
    const modifier = node.getChild('BinOpModifier');
    const [leftNode, rightNode] = exprs;
    if (!opNode || !leftNode || !rightNode || exprs.length !== 2)
      throw unsupported(`binary operation ${JSON.stringify(this.src(node))}`);
    if (modifier?.getChild('OnOrIgnoringModifier'))
      throw unsupported(
        `vector matching (on/ignoring/group_left/group_right) in ${JSON.stringify(this.src(node))}`,
      );
    const op = opNode.name === 'Eq' ? undefined : (COMPARE_OPS[opNode.name] ?? ARITH_OPS[opNode.name]);
    if (!op) throw unsupported(`operator ${JSON.stringify(this.src(opNode))}`);
    const left = this.sideOf(leftNode);
    const right = this.sideOf(rightNode);
    // Vector-to-vector operations need label matching; refuse rather than approximate.
    if (left.kind !== 'literal' && right.kind !== 'literal')
      throw unsupported(
        `binary operation between two vectors in ${JSON.stringify(this.src(node))} (one side must be a number)`,
      );
    const returnBool = modifier?.getChild('Bool') !== null && modifier !== null;
    if (
      !returnBool &&
      left.kind === 'literal' &&
      right.kind === 'literal' &&
      COMPARE_OPS[opNode.name] !== undefined
    ) {
      throw badQuery('parse error : comparisons between scalars must use BOOL modifier');
    }
    return { kind: 'binary', op, returnBool, left, right };
  }

  private sideOf(expr: SyntaxNode): SampleExpr {
    const inner = expr.firstChild;
    if (inner?.name !== 'MetricExpr')
      throw badQuery(
        `parse error : unexpected log query in a binary operation: ${JSON.stringify(this.src(expr))}`,
      );
    return this.metric(inner);
  }
}
