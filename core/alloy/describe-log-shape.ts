import type { BlockStatement, Expression, Statement } from './syntax/ast';

/**
 * How a config's loki.process pipelines reshape a log line and its labels, in terms a simulated
 * sidecar can act on (part of AlloyConfigSummary['logs']).
 */
export interface LogShapeSummary {
  /**
   * The `level` a line gets when its JSON has no level, or when it is not JSON: the default of a
   * `stage.template { source = "level" }` such as `{{ if .Value }}{{ .Value }}{{ else }}unknown{{ end }}`.
   * null: no such stage, those lines get no level label.
   */
  readonly levelFallback: string | null;
  /**
   * The stage.multiline blocks, in pipeline order. `containers` are the container_name values of
   * the enclosing `stage.match` selector (`{container_name="a"}` or `{container_name=~"a|b"}`);
   * null when the stage applies to every line. `maxWaitTime` is null when left at Alloy's default
   * (3s). Lines not matching `firstline` (RE2) are appended, with "\n", to the block before them.
   */
  readonly multiline: readonly MultilineSummary[];
  /**
   * Whether a line reaches Loki without the "\n" the json-file `log` field ends with. Always true
   * for docker-api (loki.source.docker reads lines with a bufio.Scanner, which drops "\n" and a
   * "\r" before it); for file-tail only when a stage.replace strips the trailing newline.
   */
  readonly trimsTrailingNewline: boolean;
  /**
   * Whether entries reach Loki without a `stream` label. Always true for docker-api (the stream is
   * only in `__meta_docker_container_log_stream`, dropped as a `__` label); for file-tail only when
   * a stage.label_drop lists "stream" (stage.docker sets it).
   */
  readonly dropsStreamLabel: boolean;
  /**
   * Whether a line that is empty (after the newline is stripped) is dropped. Always true for
   * docker-api (loki.source.docker skips empty lines); for file-tail only with a
   * `stage.drop { expression = "^$" }`.
   */
  readonly dropsEmptyLines: boolean;
}

export interface MultilineSummary {
  readonly containers: readonly string[] | null;
  readonly firstline: string;
  readonly maxWaitTime: string | null;
}

const attribute = (body: readonly Statement[], name: string): Expression | undefined =>
  body.find((s): s is Extract<Statement, { kind: 'attribute' }> => s.kind === 'attribute' && s.name === name)
    ?.value;
const stages = (body: readonly Statement[]): BlockStatement[] =>
  body.filter((s): s is BlockStatement => s.kind === 'block' && s.name.startsWith('stage.'));
const stringOf = (expr: Expression | undefined): string | null =>
  expr?.kind === 'literal' && typeof expr.value === 'string' ? expr.value : null;
const stringsOf = (expr: Expression | undefined): string[] =>
  expr?.kind === 'array' ? expr.elements.map(stringOf).filter((s): s is string => s !== null) : [];

/** The two template forms that give a default to an absent or empty extracted value. */
const TEMPLATE_DEFAULTS = [
  /^\{\{-?\s*if\s+\.Value\s*-?\}\}\{\{-?\s*\.Value\s*-?\}\}\{\{-?\s*else\s*-?\}\}([^{}]*)\{\{-?\s*end\s*-?\}\}$/,
  /^\{\{-?\s*or\s+\.Value\s+"([^"\\]*)"\s*-?\}\}$/,
];

/** A regex replacing only a trailing "\n" (optionally with "\r") with nothing. */
const TRAILING_NEWLINE = new Set(['(\\n)$', '(\\r?\\n)$', '(\n)$', '(\r?\n)$']);

/** `{container_name="a"}` or `{container_name=~"a|b"}` → the names; null for any other selector. */
export function selectorContainers(selector: string): string[] | null {
  const m = /^\{\s*container_name\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"\s*\}$/.exec(selector.trim());
  if (!m) return null;
  const value = (m[2] as string).replace(/\\(.)/g, '$1');
  if (m[1] === '=') return [value];
  // Container names are [A-Za-z0-9_-]: an alternation of plain names is all a selector we render holds.
  return /^[A-Za-z0-9_|-]+$/.test(value) ? value.split('|') : null;
}

function walk(
  body: readonly Statement[],
  containers: readonly string[] | null,
  visit: (stage: BlockStatement, containers: readonly string[] | null) => void,
): void {
  for (const stage of stages(body)) {
    if (stage.name === 'stage.match') {
      const selector = stringOf(attribute(stage.body, 'selector'));
      const action = stringOf(attribute(stage.body, 'action')) ?? 'keep';
      const inner = selector === null ? null : selectorContainers(selector);
      // A selector this summary cannot read is skipped rather than guessed at.
      if (action === 'keep' && inner !== null) walk(stage.body, inner, visit);
      continue;
    }
    visit(stage, containers);
  }
}

/** Reads the line-shaping stages of the loki.process blocks a log source forwards to. */
export function describeLogShape(
  processes: readonly BlockStatement[],
  source: 'docker-api' | 'file-tail' | null,
): LogShapeSummary {
  let levelFallback: string | null = null;
  const multiline: MultilineSummary[] = [];
  let trims = false;
  let dropsStream = false;
  let dropsEmpty = false;
  for (const process of processes) {
    walk(process.body, null, (stage, containers) => {
      switch (stage.name) {
        case 'stage.template': {
          if (containers !== null || stringOf(attribute(stage.body, 'source')) !== 'level') return;
          const template = stringOf(attribute(stage.body, 'template')) ?? '';
          for (const form of TEMPLATE_DEFAULTS) {
            const found = form.exec(template);
            if (found) levelFallback = found[1] as string;
          }
          return;
        }
        case 'stage.multiline': {
          const firstline = stringOf(attribute(stage.body, 'firstline'));
          if (firstline !== null)
            multiline.push({
              containers,
              firstline,
              maxWaitTime: stringOf(attribute(stage.body, 'max_wait_time')),
            });
          return;
        }
        case 'stage.replace': {
          const expression = stringOf(attribute(stage.body, 'expression'));
          const replace = stringOf(attribute(stage.body, 'replace')) ?? '';
          const fromLine = (stringOf(attribute(stage.body, 'source')) ?? '') === '';
          if (containers === null && fromLine && replace === '' && expression !== null)
            trims ||= TRAILING_NEWLINE.has(expression);
          return;
        }
        case 'stage.label_drop':
          if (containers === null && stringsOf(attribute(stage.body, 'values')).includes('stream'))
            dropsStream = true;
          return;
        case 'stage.drop':
          if (
            containers === null &&
            stringOf(attribute(stage.body, 'expression')) === '^$' &&
            attribute(stage.body, 'source') === undefined
          )
            dropsEmpty = true;
          return;
      }
    });
  }
  const docker = source === 'docker-api';
  return {
    levelFallback,
    multiline,
    trimsTrailingNewline: docker || trims,
    dropsStreamLabel: docker || dropsStream,
    dropsEmptyLines: docker || dropsEmpty,
  };
}
