// Lexer for the subset of HCL native syntax that clients-as-code reads (Terraform files).
// Strings and heredocs are lexed into template parts; the tokens of each `${ ... }` interpolation
// are lexed in place so every token keeps its real line number for error messages.
import { SourceError } from '../source-error.ts';

export type Token =
  | { kind: 'ident'; value: string; line: number }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'template'; parts: TemplatePart[]; line: number }
  | { kind: 'punct'; value: string; line: number }
  | { kind: 'newline'; line: number }
  | { kind: 'eof'; line: number };

export type TemplatePart = string | { tokens: Token[]; line: number };

const PUNCT = ['=>', '==', '!=', '<=', '>=', '&&', '||', '...', '{', '}', '[', ']', '(', ')', '=', ',', ':', '.', '?', '<', '>', '!', '+', '-', '*', '/', '%'];

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_-]/.test(c);

export function lex(file: string, src: string): Token[] {
  let pos = 0;
  let line = 1;
  const fail = (msg: string, at = line): never => {
    throw new SourceError(file, at, msg);
  };

  // Tokens until end of input, or (inside an interpolation) until the `}` closing it.
  function tokens(inInterpolation: boolean): Token[] {
    const out: Token[] = [];
    let depth = 0;
    while (pos < src.length) {
      const c = src[pos] ?? '';
      if (c === '\n') {
        out.push({ kind: 'newline', line });
        line++;
        pos++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        pos++;
        continue;
      }
      if (c === '#' || (c === '/' && src[pos + 1] === '/')) {
        while (pos < src.length && src[pos] !== '\n') pos++;
        continue;
      }
      if (c === '/' && src[pos + 1] === '*') {
        const start = line;
        const end = src.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated /* comment', start);
        for (let i = pos; i < end; i++) if (src[i] === '\n') line++;
        pos = end + 2;
        continue;
      }
      if (c === '"') {
        const at = line;
        pos++;
        out.push({ kind: 'template', parts: template('"'), line: at });
        continue;
      }
      if (c === '<' && src[pos + 1] === '<' && /[-A-Za-z_]/.test(src[pos + 2] ?? '')) {
        out.push(heredoc());
        continue;
      }
      if (/[0-9]/.test(c)) {
        const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(pos));
        const text = m?.[0] ?? c;
        out.push({ kind: 'number', value: Number(text), line });
        pos += text.length;
        continue;
      }
      if (isIdentStart(c)) {
        let end = pos + 1;
        while (end < src.length && isIdentPart(src[end] ?? '')) end++;
        out.push({ kind: 'ident', value: src.slice(pos, end), line });
        pos = end;
        continue;
      }
      const p = PUNCT.find((x) => src.startsWith(x, pos));
      if (!p) fail(`unexpected character ${JSON.stringify(c)}`);
      const punct = p as string;
      if (inInterpolation) {
        if (punct === '{') depth++;
        if (punct === '}') {
          if (depth === 0) {
            pos++;
            return out;
          }
          depth--;
        }
      }
      out.push({ kind: 'punct', value: punct, line });
      pos += punct.length;
    }
    if (inInterpolation) fail('unterminated ${ interpolation');
    out.push({ kind: 'eof', line });
    return out;
  }

  function interpolation(parts: TemplatePart[]): void {
    const at = line;
    pos += 2;
    const inner = tokens(true);
    if (inner.every((t) => t.kind === 'newline')) fail('empty ${ } interpolation', at);
    parts.push({ tokens: [...inner, { kind: 'eof', line }], line: at });
  }

  // Template body after the opening quote, up to and including the closing quote.
  function template(close: '"'): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let lit = '';
    const start = line;
    while (pos < src.length) {
      const c = src[pos] ?? '';
      if (c === close) {
        pos++;
        if (lit !== '' || parts.length === 0) parts.push(lit);
        return parts;
      }
      if (c === '\n') fail('unterminated string (strings cannot span lines; use a heredoc)', start);
      if (c === '\\') {
        const e = src[pos + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (e in simple) {
          lit += simple[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos + 2, pos + 6))) {
          lit += String.fromCodePoint(parseInt(src.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(src.slice(pos + 2, pos + 10))) {
          lit += String.fromCodePoint(parseInt(src.slice(pos + 2, pos + 10), 16));
          pos += 10;
        } else {
          fail(`invalid escape sequence \\${e}`);
        }
        continue;
      }
      const after = templateSyntax(c, parts, lit);
      if (after !== undefined) {
        lit = after;
        continue;
      }
      lit += c;
      pos++;
    }
    return fail('unterminated string', start);
  }

  // Template syntax at pos: `${` (interpolation), `%{` (template directive, unsupported) and the escapes
  // `$${` / `%%{` (a literal `${` / `%{`). Returns the literal text that follows, or undefined for plain text.
  function templateSyntax(c: string, parts: TemplatePart[], lit: string): string | undefined {
    if ((c === '$' || c === '%') && src[pos + 1] === c && src[pos + 2] === '{') {
      pos += 3;
      return `${lit}${c}{`;
    }
    if (c === '%' && src[pos + 1] === '{') fail('unsupported construct: template directive %{ ... } (use a conditional or for expression)');
    if (c !== '$' || src[pos + 1] !== '{') return undefined;
    if (lit !== '') parts.push(lit);
    interpolation(parts);
    return '';
  }

  function heredoc(): Token {
    const at = line;
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(pos));
    if (!m) return fail('malformed heredoc opener (expected <<MARKER or <<-MARKER then a newline)');
    const indent = m[1] === '-';
    const marker = m[2] ?? '';
    pos += m[0].length;
    line++;
    // Find the closing line: only the marker, optionally indented.
    const closeRe = new RegExp(`^[ \\t]*${marker}[ \\t]*$`, 'm');
    const rest = src.slice(pos);
    const close = closeRe.exec(rest);
    if (!close) return fail(`heredoc <<${marker} has no closing ${marker} line`, at);
    const bodyEnd = pos + close.index;
    const body = src.slice(pos, bodyEnd);
    const strip = indent ? minIndent(body) : 0;
    const parts: TemplatePart[] = [];
    let lit = '';
    let atLineStart = true;
    while (pos < bodyEnd) {
      const c = src[pos] ?? '';
      if (atLineStart && strip > 0) {
        let n = 0;
        while (n < strip && (src[pos] === ' ' || src[pos] === '\t')) {
          pos++;
          n++;
        }
        atLineStart = false;
        continue;
      }
      atLineStart = false;
      const after = templateSyntax(c, parts, lit);
      if (after !== undefined) {
        lit = after;
        continue;
      }
      if (c === '\n') {
        line++;
        atLineStart = true;
      }
      lit += c;
      pos++;
    }
    if (lit !== '' || parts.length === 0) parts.push(lit);
    pos = bodyEnd + close[0].length;
    return { kind: 'template', parts, line: at };
  }

  return tokens(false);
}

function minIndent(body: string): number {
  let min = Infinity;
  for (const l of body.split('\n')) {
    if (l.trim() === '') continue;
    const n = /^[ \t]*/.exec(l)?.[0].length ?? 0;
    min = Math.min(min, n);
  }
  return min === Infinity ? 0 : min;
}
