// Evaluates parsed HCL expressions to plain JSON-like values, resolving var.*, local.* (lazily,
// in any order, with cycle detection) and for-expression variables. Anything outside the subset
// (other references, unknown functions, type mismatches) is an SourceError naming its line.
import { SourceError } from '../source-error.ts';
import type { Attribute, Expr } from './ast.ts';
import { FUNCTIONS } from './functions.ts';
import { isObject, stableJson, typeName, type Value } from './values.ts';

export interface EvalScope {
  /** var.* values (from --var or variable defaults). */
  vars: ReadonlyMap<string, Value>;
  /** local.* expressions (from locals blocks). */
  locals: ReadonlyMap<string, Attribute>;
}

type Iter = ReadonlyMap<string, Value>;

const REFERENCE_HINTS: Record<string, string> = {
  data: 'data source reference',
  module: 'module output reference',
  each: 'for_each reference (each.*)',
  count: 'count reference (count.*)',
  path: 'path.* reference',
  terraform: 'terraform.* reference',
  self: 'self reference',
};

export class Evaluator {
  private readonly file: string;
  private readonly scope: EvalScope;
  private readonly localValues = new Map<string, Value>();
  private readonly evaluating = new Set<string>();

  constructor(file: string, scope: EvalScope) {
    this.file = file;
    this.scope = scope;
  }

  private fail(line: number, msg: string): never {
    throw new SourceError(this.file, line, msg);
  }

  evaluate(expr: Expr, iter: Iter = new Map()): Value {
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'template':
        return this.template(expr, iter);
      case 'tuple':
        return expr.items.map((e) => this.evaluate(e, iter));
      case 'object': {
        const out: { [key: string]: Value } = {};
        for (const item of expr.items) {
          const k = this.evaluate(item.key, iter);
          if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') {
            this.fail(item.key.line, `object key must be a string, not ${typeName(k)}`);
          }
          out[String(k)] = this.evaluate(item.value, iter);
        }
        return out;
      }
      case 'variable':
        return this.variable(expr.name, expr.line, iter);
      case 'getattr':
        return this.getattr(expr, iter);
      case 'index': {
        const target = this.evaluate(expr.target, iter);
        const key = this.evaluate(expr.key, iter);
        return this.index(target, key, expr.line);
      }
      case 'call':
        return this.call(expr, iter);
      case 'for':
        return this.forExpr(expr, iter);
      case 'unary': {
        const v = this.evaluate(expr.operand, iter);
        if (expr.op === '!') return !this.bool(v, expr.line, 'operand of "!"');
        return -this.number(v, expr.line, 'operand of "-"');
      }
      case 'binary':
        return this.binary(expr, iter);
      case 'conditional': {
        const test = this.bool(this.evaluate(expr.test, iter), expr.line, 'condition');
        return test ? this.evaluate(expr.then, iter) : this.evaluate(expr.else, iter);
      }
    }
  }

  private template(expr: Extract<Expr, { kind: 'template' }>, iter: Iter): Value {
    // A template that is only "${x}" yields x's own value (a list stays a list), as in HCL.
    if (expr.parts.length === 1 && typeof expr.parts[0] !== 'string' && expr.parts[0]) return this.evaluate(expr.parts[0], iter);
    let out = '';
    for (const p of expr.parts) {
      if (typeof p === 'string') out += p;
      else out += this.string(this.evaluate(p, iter), p.line, 'interpolated value');
    }
    return out;
  }

  private variable(name: string, line: number, iter: Iter): Value {
    if (iter.has(name)) return iter.get(name) as Value;
    if (name === 'var' || name === 'local') this.fail(line, `"${name}" must be followed by an attribute, as in ${name}.name`);
    const hint = REFERENCE_HINTS[name];
    if (hint) this.fail(line, `unsupported construct: ${hint}`);
    return this.fail(line, `unsupported construct: reference to "${name}" (only var.*, local.* and for-expression variables are supported)`);
  }

  private getattr(expr: Extract<Expr, { kind: 'getattr' }>, iter: Iter): Value {
    const t = expr.target;
    if (t.kind === 'variable' && !iter.has(t.name)) {
      if (t.name === 'var') {
        if (!this.scope.vars.has(expr.name)) {
          this.fail(expr.line, `variable "${expr.name}" has no value: pass --var ${expr.name}=... or declare it with a default`);
        }
        return this.scope.vars.get(expr.name) as Value;
      }
      if (t.name === 'local') return this.local(expr.name, expr.line);
      const hint = REFERENCE_HINTS[t.name];
      if (hint) this.fail(expr.line, `unsupported construct: ${hint} (${t.name}.${expr.name})`);
      this.fail(expr.line, `unsupported construct: reference to ${t.name}.${expr.name} (references to resources are not supported)`);
    }
    const target = this.evaluate(t, iter);
    if (!isObject(target)) this.fail(expr.line, `cannot read attribute "${expr.name}" of a ${typeName(target)}`);
    if (!(expr.name in target)) this.fail(expr.line, `object has no attribute "${expr.name}"`);
    return target[expr.name] as Value;
  }

  private local(name: string, line: number): Value {
    if (this.localValues.has(name)) return this.localValues.get(name) as Value;
    const attr = this.scope.locals.get(name);
    if (!attr) return this.fail(line, `local value "${name}" is not defined in a locals block`);
    if (this.evaluating.has(name)) this.fail(line, `local value "${name}" refers to itself`);
    this.evaluating.add(name);
    const v = this.evaluate(attr.expr);
    this.evaluating.delete(name);
    this.localValues.set(name, v);
    return v;
  }

  private index(target: Value, key: Value, line: number): Value {
    if (Array.isArray(target)) {
      const i = this.number(key, line, 'list index');
      if (!Number.isInteger(i) || i < 0 || i >= target.length) this.fail(line, `index ${i} is out of range for a list of ${target.length}`);
      return target[i] as Value;
    }
    if (isObject(target)) {
      const k = this.string(key, line, 'object key');
      if (!(k in target)) this.fail(line, `object has no key ${JSON.stringify(k)}`);
      return target[k] as Value;
    }
    return this.fail(line, `cannot index a ${typeName(target)}`);
  }

  private forExpr(expr: Extract<Expr, { kind: 'for' }>, iter: Iter): Value {
    const coll = this.evaluate(expr.collection, iter);
    let pairs: [Value, Value][];
    if (Array.isArray(coll)) pairs = coll.map((v, i) => [i, v]);
    // Terraform iterates maps in lexical key order.
    else if (isObject(coll)) pairs = Object.keys(coll).sort().map((k) => [k, coll[k] as Value]);
    else return this.fail(expr.collection.line, `for expression needs a list or an object, not ${typeName(coll)}`);

    const list: Value[] = [];
    const obj: { [key: string]: Value } = {};
    for (const [k, v] of pairs) {
      const inner = new Map(iter);
      if (expr.keyVar !== undefined) inner.set(expr.keyVar, k);
      inner.set(expr.valueVar, v);
      if (expr.cond && !this.bool(this.evaluate(expr.cond, inner), expr.cond.line, 'for expression "if" filter')) continue;
      const value = this.evaluate(expr.valueExpr, inner);
      if (!expr.object || !expr.keyExpr) {
        list.push(value);
        continue;
      }
      const key = this.string(this.evaluate(expr.keyExpr, inner), expr.keyExpr.line, 'for expression key');
      if (expr.grouping) {
        const group = obj[key];
        if (Array.isArray(group)) group.push(value);
        else obj[key] = [value];
      } else {
        if (key in obj) this.fail(expr.line, `duplicate key ${JSON.stringify(key)} in for expression (use "..." to group)`);
        obj[key] = value;
      }
    }
    return expr.object ? obj : list;
  }

  private binary(expr: Extract<Expr, { kind: 'binary' }>, iter: Iter): Value {
    const { op, line } = expr;
    if (op === '&&' || op === '||') {
      const l = this.bool(this.evaluate(expr.left, iter), line, `left operand of "${op}"`);
      if (op === '&&' && !l) return false;
      if (op === '||' && l) return true;
      return this.bool(this.evaluate(expr.right, iter), line, `right operand of "${op}"`);
    }
    const l = this.evaluate(expr.left, iter);
    const r = this.evaluate(expr.right, iter);
    if (op === '==') return stableJson(l) === stableJson(r);
    if (op === '!=') return stableJson(l) !== stableJson(r);
    const a = this.number(l, line, `left operand of "${op}"`);
    const b = this.number(r, line, `right operand of "${op}"`);
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) this.fail(line, 'division by zero');
        return a / b;
      case '%':
        if (b === 0) this.fail(line, 'division by zero');
        return a % b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
      default:
        return this.fail(line, `unsupported operator "${op}"`);
    }
  }

  private call(expr: Extract<Expr, { kind: 'call' }>, iter: Iter): Value {
    const fn = FUNCTIONS[expr.name];
    if (!fn) {
      return this.fail(expr.line, `unsupported construct: function call ${expr.name}() (supported: ${Object.keys(FUNCTIONS).sort().join(', ')})`);
    }
    let args = expr.args.map((a) => this.evaluate(a, iter));
    if (expr.expandLast) {
      const last = args.pop();
      if (!Array.isArray(last)) this.fail(expr.line, `"..." needs a list as the last argument of ${expr.name}()`);
      args = [...args, ...last];
    }
    return fn(args, {
      line: expr.line,
      fail: (msg) => this.fail(expr.line, `${expr.name}(): ${msg}`),
      string: (v, what) => this.string(v, expr.line, `${expr.name}() ${what}`),
      number: (v, what) => this.number(v, expr.line, `${expr.name}() ${what}`),
    });
  }

  // ---- conversions (Terraform's automatic ones) ----

  string(v: Value, line: number, what: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(line, `${what} must be a string, not ${typeName(v)}`);
  }

  number(v: Value, line: number, what: string): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    return this.fail(line, `${what} must be a number, not ${typeName(v)}`);
  }

  bool(v: Value, line: number, what: string): boolean {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(line, `${what} must be a bool, not ${typeName(v)}`);
  }
}
