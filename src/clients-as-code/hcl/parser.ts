// Recursive-descent parser for the HCL native syntax subset: bodies of attributes and blocks, and
// expressions (literals, templates, tuples, objects, references, index/attribute access, function
// calls, for expressions, unary/binary operators, conditionals). Splats are rejected here with
// their line; everything else that is unsupported is rejected by the evaluator with its line.
import { SourceError } from '../source-error.ts';
import { lex, type Token } from './lexer.ts';

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; line: number }
  | { kind: 'template'; parts: (string | Expr)[]; line: number }
  | { kind: 'tuple'; items: Expr[]; line: number }
  | { kind: 'object'; items: { key: Expr; value: Expr }[]; line: number }
  | { kind: 'variable'; name: string; line: number }
  | { kind: 'getattr'; target: Expr; name: string; line: number }
  | { kind: 'index'; target: Expr; key: Expr; line: number }
  | { kind: 'call'; name: string; args: Expr[]; expandLast: boolean; line: number }
  | {
      kind: 'for';
      object: boolean;
      keyVar: string | undefined;
      valueVar: string;
      collection: Expr;
      keyExpr: Expr | undefined;
      valueExpr: Expr;
      grouping: boolean;
      cond: Expr | undefined;
      line: number;
    }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; line: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { kind: 'conditional'; test: Expr; then: Expr; else: Expr; line: number };

export interface Attribute {
  name: string;
  expr: Expr;
  line: number;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  line: number;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  private i = 0;
  /** >0 while inside ( ) [ ] or an interpolation, where newlines are insignificant. */
  private ignoreNewlines = 0;
  private readonly file: string;
  private readonly toks: Token[];

  constructor(file: string, toks: Token[], ignoreNewlines = 0) {
    this.file = file;
    this.toks = toks;
    this.ignoreNewlines = ignoreNewlines;
  }

  private fail(msg: string, line = this.peek().line): never {
    throw new SourceError(this.file, line, msg);
  }

  private peek(): Token {
    if (this.ignoreNewlines > 0) while (this.toks[this.i]?.kind === 'newline') this.i++;
    return this.toks[this.i] ?? { kind: 'eof', line: this.toks.at(-1)?.line ?? 1 };
  }

  private next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }

  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }

  private isIdent(value: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.value === value;
  }

  private expectPunct(value: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.value !== value) this.fail(`expected "${value}" but found ${describe(t)}`);
    return this.next();
  }

  private expectIdent(what: string): string {
    const t = this.peek();
    if (t.kind !== 'ident') return this.fail(`expected ${what} but found ${describe(t)}`);
    this.next();
    return t.value;
  }

  private skipNewlines(): void {
    while (this.toks[this.i]?.kind === 'newline') this.i++;
  }

  end(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${describe(t)} after the value`);
  }

  // ---- bodies ----

  body(closing: boolean): Body {
    const body: Body = { attributes: [], blocks: [] };
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.kind === 'eof') {
        if (closing) this.fail('missing "}" to close the block');
        return body;
      }
      if (t.kind === 'punct' && t.value === '}') {
        if (!closing) this.fail('unexpected "}"');
        return body;
      }
      if (t.kind !== 'ident') this.fail(`expected an attribute name or a block type but found ${describe(t)}`);
      this.next();
      if (this.isPunct('=')) {
        this.next();
        const expr = this.expression();
        body.attributes.push({ name: t.value, expr, line: t.line });
      } else {
        const labels: string[] = [];
        for (;;) {
          const l = this.peek();
          if (l.kind === 'ident') labels.push(l.value);
          else if (l.kind === 'template' && l.parts.length === 1 && typeof l.parts[0] === 'string') labels.push(l.parts[0]);
          else break;
          this.next();
        }
        if (!this.isPunct('{')) this.fail(`expected "=" or "{" after "${t.value}" but found ${describe(this.peek())}`);
        this.next();
        const inner = this.body(true);
        this.expectPunct('}');
        body.blocks.push({ type: t.value, labels, body: inner, line: t.line });
      }
      const end = this.peek();
      if (!(end.kind === 'newline' || end.kind === 'eof' || (end.kind === 'punct' && end.value === '}'))) {
        this.fail(`expected a newline after the ${describe(t)} item but found ${describe(end)}`);
      }
    }
  }

  // ---- expressions ----

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
      const sub = new Parser(this.file, p.tokens, 1);
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

function describe(t: Token): string {
  switch (t.kind) {
    case 'ident':
      return `"${t.value}"`;
    case 'number':
      return `number ${t.value}`;
    case 'template':
      return 'a string';
    case 'punct':
      return `"${t.value}"`;
    case 'newline':
      return 'a newline';
    case 'eof':
      return 'the end of the file';
  }
}

export function parseHcl(file: string, src: string): Body {
  return new Parser(file, lex(file, src)).body(false);
}

/** One expression alone (a --var value); anything after it is an error. */
export function parseExpression(file: string, src: string): Expr {
  const p = new Parser(file, lex(file, src), 1);
  const e = p.expression();
  p.end();
  return e;
}
