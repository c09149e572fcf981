// PostgreSQL text cannot hold U+0000 (error 22021), nor jsonb the escape \u0000 (error 22P05). Such a
// parameter can only come from hostile or broken input, and no stored value can equal it: both
// engines replace it with U+FFFD, so a lookup finds nothing and a write stores a visible mark,
// instead of a server error.
const NUL = /\u0000/g;
// \u0000 as a JSON escape: preceded by an even number of backslashes (an odd one would escape it).
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

const needsFix = (p: unknown) => typeof p === 'string' && (p.includes('\u0000') || p.includes('\\u0000'));
const fix = (p: string) => p.replace(NUL, '\uFFFD').replace(ESCAPED_NUL, '$1\\ufffd');

export function safeParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  let copy: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const fixed = Array.isArray(p) ? (p.some(needsFix) ? p.map((x) => (needsFix(x) ? fix(x as string) : x)) : p) : needsFix(p) ? fix(p as string) : p;
    if (fixed === p) continue;
    copy ??= [...params];
    copy[i] = fixed;
  }
  return copy ?? (params as unknown[]);
}
