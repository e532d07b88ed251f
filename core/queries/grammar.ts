import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
// The grammars are ESM packages whose types name the ESM build of @lezer/common; match it.
import type { Tree } from '@lezer/common' with { 'resolution-mode': 'import' };

/** Where a query stopped making sense to the official grammar, or null when it parsed cleanly. */
export interface GrammarProblem {
  readonly offset: number;
  readonly near: string;
}

function firstError(tree: Tree, text: string): GrammarProblem | null {
  let found: GrammarProblem | null = null;
  tree.iterate({
    enter: (node) => {
      if (found) return false;
      if (node.type.isError) {
        found = { offset: node.from, near: text.slice(node.from, node.from + 20) || '<end of query>' };
        return false;
      }
      return undefined;
    },
  });
  return found;
}

export type QueryLanguage = 'logql' | 'promql';

/**
 * Parses a query with the grammar Grafana (LogQL) or Prometheus (PromQL) ships for its own editor.
 * An empty query is a problem too: the grammars accept it, the servers do not.
 */
export function checkQuery(language: QueryLanguage, query: string): GrammarProblem | null {
  if (query.trim() === '') return { offset: 0, near: '<empty query>' };
  const tree = language === 'logql' ? logqlParser.parse(query) : promqlParser.parse(query);
  return firstError(tree, query);
}

/**
 * True for a LogQL log query (`{app="x"} |= "error"`), which answers with log lines, false for a
 * metric query (`count_over_time({app="x"}[5m])`), which answers with numbers. The official
 * grammar's top expression says which: LogExpr or MetricExpr. Meant for queries that parse.
 */
export function isLogQuery(query: string): boolean {
  return logqlParser.parse(query).topNode.firstChild?.firstChild?.name === 'LogExpr';
}

export function describeProblem(language: QueryLanguage, problem: GrammarProblem): string {
  const name = language === 'logql' ? 'LogQL' : 'PromQL';
  return `not valid ${name}: parse error at offset ${problem.offset} near ${JSON.stringify(problem.near)}`;
}
