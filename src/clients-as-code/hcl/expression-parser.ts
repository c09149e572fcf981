// The expression grammar of the HCL native syntax subset: literals, templates, tuples, objects,
// references, index/attribute access, function calls, for expressions, unary/binary operators and
// conditionals. Splats are rejected here with their line; everything else that is unsupported is
// rejected by the evaluator with its line.
import type { Expr } from './ast.ts';
import type { Token } from './lexer.ts';
import { describe, TokenStream } from './token-stream.ts';

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

export class ExpressionParser extends TokenStream {
  expression(): Expr {
    const test = this.binary(0);
    if (!this.isPunct('?')) return test;
    this.next();
    this.ignoreNewlines++;
    const then = this.expression();
    this.expectPunct(':');
    this.ignoreNewlines--;
    const otherwise = this.expression();
    return { kind: 'conditional', test, then, else: otherwise, line: test.line };
  }

  private binary(level: number): Expr {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !ops.includes(t.value)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: t.value, left, right, line: t.line };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.value === '!' || t.value === '-')) {
      this.next();
      return { kind: 'unary', op: t.value, operand: this.unary(), line: t.line };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.value === '.') {
        this.next();
        const n = this.next();
        if (n.kind === 'ident') expr = { kind: 'getattr', target: expr, name: n.value, line: n.line };
        else if (n.kind === 'number') expr = { kind: 'index', target: expr, key: { kind: 'literal', value: n.value, line: n.line }, line: n.line };
        else if (n.kind === 'punct' && n.value === '*') this.fail('unsupported construct: splat expression (.*)', n.line);
        else this.fail(`expected an attribute name after "." but found ${describe(n)}`, n.line);
      } else if (t.kind === 'punct' && t.value === '[') {
        this.next();
        this.ignoreNewlines++;
        if (this.isPunct('*')) this.fail('unsupported construct: splat expression ([*])', t.line);
        const key = this.expression();
        this.expectPunct(']');
        this.ignoreNewlines--;
        expr = { kind: 'index', target: expr, key, line: t.line };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'literal', value: t.value, line: t.line };
      case 'template':
        return this.template(t);
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: t.value === 'true', line: t.line };
        if (t.value === 'null') return { kind: 'literal', value: null, line: t.line };
        if (this.isPunct('(')) return this.call(t.value, t.line);
        return { kind: 'variable', name: t.value, line: t.line };
      }
      case 'punct':
        if (t.value === '(') {
          this.ignoreNewlines++;
          const e = this.expression();
          this.expectPunct(')');
          this.ignoreNewlines--;
          return e;
        }
        if (t.value === '[') return this.tuple(t.line);
        if (t.value === '{') return this.object(t.line);
        return this.fail(`expected an expression but found ${describe(t)}`, t.line);
      default:
        return this.fail(`expected an expression but found ${describe(t)}`, t.line);
    }
  }

  private template(t: Extract<Token, { kind: 'template' }>): Expr {
    const parts: (string | Expr)[] = t.parts.map((p) => {
      if (typeof p === 'string') return p;
      const sub = new ExpressionParser(this.file, p.tokens, 1);
      const e = sub.expression();
      const rest = sub.peek();
      if (rest.kind !== 'eof') sub.fail(`unexpected ${describe(rest)} in \${ } interpolation`);
      return e;
    });
    return { kind: 'template', parts, line: t.line };
  }

  private call(name: string, line: number): Expr {
    this.expectPunct('(');
    this.ignoreNewlines++;
    const args: Expr[] = [];
    let expandLast = false;
    while (!this.isPunct(')')) {
      args.push(this.expression());
      if (this.isPunct('...')) {
        this.next();
        expandLast = true;
        if (!this.isPunct(')')) this.fail('"..." must follow the last argument');
        break;
      }
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expectPunct(')');
    this.ignoreNewlines--;
    return { kind: 'call', name, args, expandLast, line };
  }

  private tuple(line: number): Expr {
    this.ignoreNewlines++;
    if (this.isIdent('for')) {
      const e = this.forExpr(false, line);
      this.expectPunct(']');
      this.ignoreNewlines--;
      return e;
    }
    const items: Expr[] = [];
    while (!this.isPunct(']')) {
      items.push(this.expression());
      if (!this.isPunct(',')) break;
      this.next();
    }
    this.expectPunct(']');
    this.ignoreNewlines--;
    return { kind: 'tuple', items, line };
  }

  private object(line: number): Expr {
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = 0;
    this.skipNewlines();
    if (this.isIdent('for')) {
      this.ignoreNewlines = 1;
      const e = this.forExpr(true, line);
      this.expectPunct('}');
      this.ignoreNewlines = saved;
      return e;
    }
    const items: { key: Expr; value: Expr }[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isPunct('}')) break;
      const k = this.peek();
      // A bare identifier key is the literal name (HCL), not a variable reference.
      let key: Expr;
      if (k.kind === 'ident') {
        this.next();
        key = { kind: 'literal', value: k.value, line: k.line };
      } else {
        key = this.expression();
      }
      if (this.isPunct('=') || this.isPunct(':')) this.next();
      else this.fail(`expected "=" or ":" after an object key but found ${describe(this.peek())}`);
      const value = this.expression();
      items.push({ key, value });
      if (this.isPunct(',')) this.next();
      else if (this.peek().kind !== 'newline' && !this.isPunct('}')) this.fail(`expected "," or a newline between object items but found ${describe(this.peek())}`);
    }
    this.expectPunct('}');
    this.ignoreNewlines = saved;
    return { kind: 'object', items, line };
  }

  // `for k, v in coll : [key =>] value [...] [if cond]` (the opening bracket is already read).
  private forExpr(object: boolean, line: number): Expr {
    this.next(); // for
    const first = this.expectIdent('an iteration variable name');
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.isPunct(',')) {
      this.next();
      keyVar = first;
      valueVar = this.expectIdent('an iteration variable name');
    }
    if (!this.isIdent('in')) this.fail(`expected "in" in the for expression but found ${describe(this.peek())}`);
    this.next();
    const collection = this.expression();
    this.expectPunct(':');
    let keyExpr: Expr | undefined;
    let valueExpr = this.expression();
    if (object) {
      this.expectPunct('=>');
      keyExpr = valueExpr;
      valueExpr = this.expression();
    }
    let grouping = false;
    if (object && this.isPunct('...')) {
      this.next();
      grouping = true;
    }
    let cond: Expr | undefined;
    if (this.isIdent('if')) {
      this.next();
      cond = this.expression();
    }
    return { kind: 'for', object, keyVar, valueVar, collection, keyExpr, valueExpr, grouping, cond, line };
  }
}
