// Recursive-descent parser for the HCL native syntax subset: bodies of attributes and blocks here,
// expressions in ./expression-parser.ts.
import type { Body, Expr } from './ast.ts';
import { ExpressionParser } from './expression-parser.ts';
import { lex } from './lexer.ts';
import { describe } from './token-stream.ts';

class Parser extends ExpressionParser {
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
}

export function parseHcl(file: string, src: string): Body {
  return new Parser(file, lex(file, src)).body(false);
}

/** One expression alone (a --var value); anything after it is an error. */
export function parseExpression(file: string, src: string): Expr {
  const p = new ExpressionParser(file, lex(file, src), 1);
  const e = p.expression();
  p.end();
  return e;
}
