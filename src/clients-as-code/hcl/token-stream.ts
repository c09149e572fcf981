// The token cursor the HCL parsers share: peeking past newlines where they are insignificant, and
// failing with the line of the token at hand.
import { SourceError } from '../source-error.ts';
import type { Token } from './lexer.ts';

export class TokenStream {
  protected i = 0;
  /** >0 while inside ( ) [ ] or an interpolation, where newlines are insignificant. */
  protected ignoreNewlines = 0;
  protected readonly file: string;
  protected readonly toks: Token[];

  constructor(file: string, toks: Token[], ignoreNewlines = 0) {
    this.file = file;
    this.toks = toks;
    this.ignoreNewlines = ignoreNewlines;
  }

  protected fail(msg: string, line = this.peek().line): never {
    throw new SourceError(this.file, line, msg);
  }

  protected peek(): Token {
    if (this.ignoreNewlines > 0) while (this.toks[this.i]?.kind === 'newline') this.i++;
    return this.toks[this.i] ?? { kind: 'eof', line: this.toks.at(-1)?.line ?? 1 };
  }

  protected next(): Token {
    const t = this.peek();
    this.i++;
    return t;
  }

  protected isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }

  protected isIdent(value: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.value === value;
  }

  protected expectPunct(value: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.value !== value) this.fail(`expected "${value}" but found ${describe(t)}`);
    return this.next();
  }

  protected expectIdent(what: string): string {
    const t = this.peek();
    if (t.kind !== 'ident') return this.fail(`expected ${what} but found ${describe(t)}`);
    this.next();
    return t.value;
  }

  protected skipNewlines(): void {
    while (this.toks[this.i]?.kind === 'newline') this.i++;
  }

  end(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${describe(t)} after the value`);
  }
}

export function describe(t: Token): string {
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
