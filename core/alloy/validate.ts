import type { AlloyFile, BlockStatement, Expression, Position, Statement } from './syntax/ast';
import { dottedPath } from './syntax/ast';
import { AlloySyntaxError, parseAlloy } from './syntax/parser';
import {
  COMPONENTS,
  DEPRECATED_FUNCTIONS,
  STDLIB_FUNCTIONS,
  STDLIB_ROOTS,
  STDLIB_VALUES,
  UNLISTED,
  type AttributeSpec,
  type BlockSpec,
  type ComponentSpec,
  type ValueKind,
} from './schema';
import { didYouMean } from './suggest';

export interface Diagnostic {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export interface ValidationResult {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

export interface ValidateOptions {
  /** Accept real Alloy components the schema does not describe (reported as warnings). */
  readonly allowUnlisted?: boolean;
}

/** The Alloy release the component table describes. */
export const SCHEMA_ALLOY_VERSION = 'v1.18.1';

// Go durations (time.ParseDuration) plus the d/w/y units of Prometheus durations.
const DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w|y))+)$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Declared {
  readonly name: string;
  readonly spec: ComponentSpec | null;
  readonly pos: Position;
}

/**
 * Checks an Alloy configuration against the component table built from the Alloy v1.18.1
 * reference: syntax, component and block names, attributes (names, required, duplicates, literal
 * types, durations, enumerations), references between components and their export kinds, and
 * standard library functions. Never throws for bad input: every problem is a diagnostic.
 */
export function validateAlloy(text: string, options: ValidateOptions = {}): ValidationResult {
  let file: AlloyFile;
  try {
    file = parseAlloy(text);
  } catch (error) {
    if (error instanceof AlloySyntaxError)
      return {
        errors: [{ message: error.reason, line: error.pos.line, column: error.pos.column }],
        warnings: [],
      };
    throw error;
  }
  return new Checker(options).run(file);
}

class Checker {
  private readonly errors: Diagnostic[] = [];
  private readonly warnings: Diagnostic[] = [];
  private readonly declared = new Map<string, Declared>();

  constructor(private readonly options: ValidateOptions) {}

  run(file: AlloyFile): ValidationResult {
    const toCheck: [BlockStatement, ComponentSpec][] = [];
    for (const statement of file.body) {
      if (statement.kind === 'attribute') {
        this.error(
          statement.pos,
          `attribute ${JSON.stringify(statement.name)} is not allowed at the top level of a configuration; only blocks are`,
        );
        continue;
      }
      const spec = this.declare(statement);
      if (spec) toCheck.push([statement, spec]);
    }
    for (const [block, spec] of toCheck) this.checkBody(block.body, spec, [block.name], block.pos);
    const byPosition = (a: Diagnostic, b: Diagnostic) => a.line - b.line || a.column - b.column;
    return { errors: this.errors.sort(byPosition), warnings: this.warnings.sort(byPosition) };
  }

  private error(pos: Position, message: string) {
    this.errors.push({ message, line: pos.line, column: pos.column });
  }

  private warn(pos: Position, message: string) {
    this.warnings.push({ message, line: pos.line, column: pos.column });
  }

  /** Records a top-level block; returns its spec when its body should be checked. */
  private declare(block: BlockStatement): ComponentSpec | null {
    const spec = COMPONENTS[block.name];
    const unlisted = !spec && UNLISTED.has(block.name);
    if (!spec && !unlisted) {
      this.error(
        block.pos,
        `unknown component or block name ${JSON.stringify(block.name)}${didYouMean(block.name, [...Object.keys(COMPONENTS), ...UNLISTED])}`,
      );
      return null;
    }
    if (unlisted) {
      const message = `component ${JSON.stringify(block.name)} exists in Alloy ${SCHEMA_ALLOY_VERSION} but is not covered by this validator's schema`;
      if (this.options.allowUnlisted) this.warn(block.pos, message);
      else this.error(block.pos, message);
    }
    const labelled = spec ? spec.labelled : true;
    if (labelled && block.label === undefined) {
      this.error(block.pos, `component ${JSON.stringify(block.name)} must have a label`);
      return null;
    }
    if (!labelled && block.label !== undefined) {
      this.error(block.pos, `block ${JSON.stringify(block.name)} does not take a label`);
      return null;
    }
    if (block.label !== undefined && !IDENTIFIER.test(block.label)) {
      this.error(
        block.pos,
        `label ${JSON.stringify(block.label)} of ${block.name} must be an identifier: letters, digits and underscores, not starting with a digit`,
      );
    }
    const key = block.label === undefined ? block.name : `${block.name}.${block.label}`;
    const previous = this.declared.get(key);
    if (previous) {
      this.error(block.pos, `block ${key} already declared at ${previous.pos.line}:${previous.pos.column}`);
      return null;
    }
    this.declared.set(key, { name: block.name, spec: spec ?? null, pos: block.pos });
    return spec ?? null;
  }

  private checkBody(body: readonly Statement[], spec: BlockSpec, path: readonly string[], at: Position) {
    const where = path.join(' > ');
    const attributes = new Map<string, Position>();
    const blocks = new Map<string, number>();
    for (const statement of body) {
      if (statement.kind === 'attribute') {
        const { name } = statement;
        if (attributes.has(name))
          this.error(
            statement.pos,
            `attribute ${JSON.stringify(name)} may only be provided once in ${where}`,
          );
        attributes.set(name, statement.pos);
        this.checkExpression(statement.value);
        const attribute = spec.attributes[name];
        if (attribute) this.checkValue(statement.value, attribute, `${path.join('.')}.${name}`);
        else if (spec.blocks?.[name])
          this.error(
            statement.pos,
            `${JSON.stringify(name)} must be a block, but is used as an attribute in ${where}`,
          );
        else if (!spec.open)
          this.error(
            statement.pos,
            `unrecognized attribute name ${JSON.stringify(name)} in ${where}${didYouMean(name, Object.keys(spec.attributes))}`,
          );
        continue;
      }
      const { name } = statement;
      const nested = spec.blocks?.[name];
      if (statement.label !== undefined)
        this.error(statement.pos, `block ${JSON.stringify(name)} in ${where} does not take a label`);
      if (nested) {
        const count = (blocks.get(name) ?? 0) + 1;
        blocks.set(name, count);
        if (count > 1 && !nested.repeatable)
          this.error(statement.pos, `block ${JSON.stringify(name)} may only be provided once in ${where}`);
        this.checkBody(statement.body, nested, [...path, name], statement.pos);
      } else if (spec.attributes[name]) {
        this.error(
          statement.pos,
          `${JSON.stringify(name)} must be an attribute, but is used as a block in ${where}`,
        );
      } else if (!spec.open) {
        this.error(
          statement.pos,
          `unrecognized block name ${JSON.stringify(name)} in ${where}${didYouMean(name, Object.keys(spec.blocks ?? {}))}`,
        );
      }
    }
    for (const [name, attribute] of Object.entries(spec.attributes)) {
      if (attribute.required && !attributes.has(name))
        this.error(at, `missing required attribute ${JSON.stringify(name)} in ${where}`);
    }
    for (const [name, nested] of Object.entries(spec.blocks ?? {})) {
      if (nested.required && !blocks.has(name))
        this.error(at, `missing required block ${JSON.stringify(name)} in ${where}`);
    }
  }

  /** Walks an expression: references must resolve, functions must exist. */
  private checkExpression(expr: Expression): void {
    switch (expr.kind) {
      case 'literal':
        return;
      case 'array':
        expr.elements.forEach((e) => this.checkExpression(e));
        return;
      case 'object':
        expr.fields.forEach((f) => this.checkExpression(f.value));
        return;
      case 'identifier':
      case 'access': {
        const path = dottedPath(expr);
        if (path) this.resolve(path, expr.pos);
        else if (expr.kind === 'access') this.checkExpression(expr.value);
        return;
      }
      case 'index':
        this.checkExpression(expr.value);
        this.checkExpression(expr.index);
        return;
      case 'call': {
        const path = dottedPath(expr.callee);
        if (path) this.checkFunction(path.join('.'), expr.pos);
        else this.checkExpression(expr.callee);
        expr.args.forEach((a) => this.checkExpression(a));
        return;
      }
      case 'unary':
      case 'paren':
        this.checkExpression(expr.value);
        return;
      case 'binary':
        this.checkExpression(expr.left);
        this.checkExpression(expr.right);
        return;
    }
  }

  private checkFunction(name: string, pos: Position) {
    if (STDLIB_FUNCTIONS.has(name)) return;
    const replacement = DEPRECATED_FUNCTIONS[name];
    if (replacement)
      this.warn(
        pos,
        `standard library function ${JSON.stringify(name)} is deprecated; use ${JSON.stringify(replacement)} instead`,
      );
    else
      this.error(
        pos,
        `unknown standard library function ${JSON.stringify(name)}${didYouMean(name, STDLIB_FUNCTIONS)}`,
      );
  }

  /**
   * Resolves a dotted reference. Returns the kind of the referenced export, null when it resolves
   * to something whose kind is unknown, or undefined when it does not resolve (already reported).
   */
  private resolve(path: readonly string[], pos: Position): ValueKind | null | undefined {
    const full = path.join('.');
    const root = path[0] as string;
    if (STDLIB_ROOTS.has(root) && !this.declared.has(root)) {
      if (STDLIB_VALUES.has(full) || STDLIB_FUNCTIONS.has(full) || full in DEPRECATED_FUNCTIONS) return null;
      this.error(
        pos,
        `unknown standard library value ${JSON.stringify(full)}${didYouMean(full, [...STDLIB_VALUES, ...STDLIB_FUNCTIONS])}`,
      );
      return undefined;
    }
    for (let length = path.length; length >= 2; length -= 1) {
      const entry = this.declared.get(path.slice(0, length).join('.'));
      if (!entry || entry.spec?.labelled === false) continue;
      const field = path[length];
      if (field === undefined || entry.spec === null) return null;
      const kind = entry.spec.exports[field];
      if (kind === undefined) {
        this.error(pos, `${entry.name} does not export a field named ${JSON.stringify(field)}`);
        return undefined;
      }
      return length + 1 === path.length ? kind : null;
    }
    this.error(pos, `component ${JSON.stringify(full)} does not exist or is out of scope`);
    return undefined;
  }

  /** The kind of a reference expression, without reporting (checkExpression already did). */
  private kindOf(expr: Expression): { path: string; kind: ValueKind } | null {
    const path = dottedPath(expr);
    if (!path || path.length < 3) return null;
    for (let length = path.length - 1; length >= 2; length -= 1) {
      const entry = this.declared.get(path.slice(0, length).join('.'));
      if (!entry?.spec || length + 1 !== path.length) continue;
      const kind = entry.spec.exports[path[length] as string];
      return kind === undefined ? null : { path: path.join('.'), kind };
    }
    return null;
  }

  private checkValue(expr: Expression, spec: AttributeSpec, where: string) {
    const type = spec.type;
    if (expr.kind === 'literal' && expr.value === null) return;
    if (typeof type === 'object') {
      if ('receivers' in type) this.checkReceivers(expr, type.receivers, where);
      return;
    }
    const literal = expr.kind === 'literal' ? expr.value : undefined;
    const got = (value: unknown) => `${typeof value} ${JSON.stringify(value)}`;
    switch (type) {
      case 'string':
      case 'secret':
        if (literal !== undefined && typeof literal !== 'string')
          this.error(expr.pos, `${where} expects a string, got ${got(literal)}`);
        else if (typeof literal === 'string' && spec.oneOf && !spec.oneOf.includes(literal))
          this.error(
            expr.pos,
            `${where}: ${JSON.stringify(literal)} is not one of ${spec.oneOf.map((v) => JSON.stringify(v)).join(', ')}`,
          );
        else if (expr.kind === 'array' || expr.kind === 'object')
          this.error(expr.pos, `${where} expects a string, got a ${expr.kind === 'array' ? 'list' : 'map'}`);
        return;
      case 'duration':
        if (typeof literal === 'string' && !DURATION.test(literal))
          this.error(
            expr.pos,
            `${where}: ${JSON.stringify(literal)} is not a valid duration (expected a duration such as "15s", "1m30s" or "500ms")`,
          );
        else if (literal !== undefined && typeof literal !== 'string')
          this.error(expr.pos, `${where} expects a duration string such as "15s", got ${got(literal)}`);
        return;
      case 'number':
        if (literal !== undefined && typeof literal !== 'number')
          this.error(expr.pos, `${where} expects a number, got ${got(literal)}`);
        return;
      case 'bool':
        if (literal !== undefined && typeof literal !== 'boolean')
          this.error(expr.pos, `${where} expects true or false, got ${got(literal)}`);
        return;
      case 'list(string)':
        if (literal !== undefined || expr.kind === 'object')
          this.error(
            expr.pos,
            `${where} expects a list of strings, got ${literal !== undefined ? got(literal) : 'a map'}`,
          );
        else if (expr.kind === 'array')
          expr.elements.forEach((e, i) => {
            if (e.kind === 'literal' && typeof e.value !== 'string')
              this.error(e.pos, `${where}[${i}] expects a string, got ${got(e.value)}`);
          });
        return;
      case 'map(string)':
      case 'map(list(string))':
        if (literal !== undefined || expr.kind === 'array')
          this.error(
            expr.pos,
            `${where} expects a map, got ${literal !== undefined ? got(literal) : 'a list'}`,
          );
        return;
      case 'targets': {
        if (literal !== undefined || expr.kind === 'object')
          this.error(
            expr.pos,
            `${where} expects a list of targets, got ${literal !== undefined ? got(literal) : 'a single map'}`,
          );
        const ref = this.kindOf(expr);
        if (ref && ref.kind !== 'targets')
          this.error(
            expr.pos,
            `${where} expects a list of targets, but ${ref.path} is ${describeKind(ref.kind)}`,
          );
        return;
      }
      case 'relabel-rules': {
        const ref = this.kindOf(expr);
        if (literal !== undefined)
          this.error(
            expr.pos,
            `${where} expects relabel rules (such as loki.relabel.<label>.rules), got ${got(literal)}`,
          );
        else if (ref && ref.kind !== 'relabel-rules')
          this.error(
            expr.pos,
            `${where} expects relabel rules, but ${ref.path} is ${describeKind(ref.kind)}`,
          );
        return;
      }
      case 'any':
        return;
    }
  }

  private checkReceivers(expr: Expression, kind: string, where: string) {
    if (expr.kind === 'array') {
      expr.elements.forEach((element, i) => {
        if (element.kind === 'literal') {
          const what =
            typeof element.value === 'string' ? 'a string literal' : `a ${typeof element.value} literal`;
          this.error(
            element.pos,
            `${where}[${i}] expects a ${kind} value (a reference such as a component export), got ${what}`,
          );
          return;
        }
        const ref = this.kindOf(element);
        if (ref && describeKind(ref.kind) !== kind)
          this.error(
            element.pos,
            `${where}[${i}] expects ${kind}, but ${ref.path} is ${describeKind(ref.kind)}`,
          );
      });
      return;
    }
    const ref = this.kindOf(expr);
    if (ref) {
      this.error(
        expr.pos,
        `${where} expects a list, but ${ref.path} is a single ${describeKind(ref.kind)} value`,
      );
      return;
    }
    if (expr.kind === 'literal' || expr.kind === 'object')
      this.error(
        expr.pos,
        `${where} expects a list of ${kind} values (references such as loki.write.<label>.receiver)`,
      );
  }
}

function describeKind(kind: ValueKind): string {
  if (typeof kind === 'string') return kind === 'targets' ? 'a list of targets' : kind;
  return 'receiver' in kind ? kind.receiver : `list(${kind.receivers})`;
}
