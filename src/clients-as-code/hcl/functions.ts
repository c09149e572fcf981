// The function library of HCL expressions: the small set of Terraform functions that make sense
// for client definitions. Each gets its evaluated arguments and a context that fails with its line.
import { isObject, stableJson, typeName, type Value } from './values.ts';

export interface FnContext {
  line: number;
  fail(msg: string): never;
  string(v: Value, what: string): string;
  number(v: Value, what: string): number;
}

type Fn = (args: Value[], ctx: FnContext) => Value;

const arity = (args: Value[], ctx: FnContext, min: number, max = min) => {
  if (args.length < min || args.length > max) ctx.fail(`expects ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
};
const listArg = (v: Value | undefined, ctx: FnContext, what: string): Value[] =>
  Array.isArray(v) ? v : ctx.fail(`${what} must be a list, not ${typeName(v ?? null)}`);
const objectArg = (v: Value | undefined, ctx: FnContext, what: string): { [key: string]: Value } =>
  v !== undefined && isObject(v) ? v : ctx.fail(`${what} must be an object, not ${typeName(v ?? null)}`);
const distinct = (xs: Value[]): Value[] => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = stableJson(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};
const flatten = (xs: Value[]): Value[] => xs.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]));

// The small set of Terraform functions that make sense for client definitions.
export const FUNCTIONS: Record<string, Fn> = {
  concat: (args, ctx) => args.flatMap((a, i) => listArg(a, ctx, `argument ${i + 1}`)),
  join: (args, ctx) => {
    arity(args, ctx, 2, Infinity);
    const sep = ctx.string(args[0] ?? null, 'separator');
    return args
      .slice(1)
      .flatMap((a, i) => listArg(a, ctx, `argument ${i + 2}`))
      .map((x) => ctx.string(x, 'list element'))
      .join(sep);
  },
  split: (args, ctx) => {
    arity(args, ctx, 2);
    return ctx.string(args[1] ?? null, 'string').split(ctx.string(args[0] ?? null, 'separator'));
  },
  lower: (args, ctx) => (arity(args, ctx, 1), ctx.string(args[0] ?? null, 'argument').toLowerCase()),
  upper: (args, ctx) => (arity(args, ctx, 1), ctx.string(args[0] ?? null, 'argument').toUpperCase()),
  trimspace: (args, ctx) => (arity(args, ctx, 1), ctx.string(args[0] ?? null, 'argument').trim()),
  trimprefix: (args, ctx) => {
    arity(args, ctx, 2);
    const s = ctx.string(args[0] ?? null, 'string');
    const p = ctx.string(args[1] ?? null, 'prefix');
    return p !== '' && s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (args, ctx) => {
    arity(args, ctx, 2);
    const s = ctx.string(args[0] ?? null, 'string');
    const p = ctx.string(args[1] ?? null, 'suffix');
    return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  replace: (args, ctx) => {
    arity(args, ctx, 3);
    const s = ctx.string(args[0] ?? null, 'string');
    const from = ctx.string(args[1] ?? null, 'substring');
    if (from.startsWith('/') && from.endsWith('/') && from.length > 1) ctx.fail('regular expressions are not supported');
    return s.split(from).join(ctx.string(args[2] ?? null, 'replacement'));
  },
  format: (args, ctx) => {
    arity(args, ctx, 1, Infinity);
    const spec = ctx.string(args[0] ?? null, 'format');
    let n = 1;
    return spec.replace(/%([%sdv])/g, (_m, verb: string) => {
      if (verb === '%') return '%';
      const v = args[n++];
      if (v === undefined) return ctx.fail('not enough arguments for the format');
      if (verb === 'd') return String(Math.trunc(ctx.number(v, 'argument')));
      return verb === 'v' && typeof v === 'object' ? stableJson(v) : ctx.string(v, 'argument');
    });
  },
  length: (args, ctx) => {
    arity(args, ctx, 1);
    const v = args[0] ?? null;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return ctx.fail(`cannot take the length of a ${typeName(v)}`);
  },
  contains: (args, ctx) => {
    arity(args, ctx, 2);
    const needle = stableJson(args[1]);
    return listArg(args[0], ctx, 'first argument').some((x) => stableJson(x) === needle);
  },
  distinct: (args, ctx) => (arity(args, ctx, 1), distinct(listArg(args[0], ctx, 'argument'))),
  flatten: (args, ctx) => (arity(args, ctx, 1), flatten(listArg(args[0], ctx, 'argument'))),
  tolist: (args, ctx) => (arity(args, ctx, 1), listArg(args[0], ctx, 'argument')),
  // Sets in Terraform are ordered lexically for strings; that keeps plans stable.
  toset: (args, ctx) => {
    arity(args, ctx, 1);
    return distinct(listArg(args[0], ctx, 'argument')).sort((a, b) => (stableJson(a) < stableJson(b) ? -1 : 1));
  },
  tostring: (args, ctx) => (arity(args, ctx, 1), ctx.string(args[0] ?? null, 'argument')),
  tonumber: (args, ctx) => (arity(args, ctx, 1), ctx.number(args[0] ?? null, 'argument')),
  tobool: (args, ctx) => {
    arity(args, ctx, 1);
    const v = args[0];
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return ctx.fail(`cannot convert a ${typeName(v ?? null)} to bool`);
  },
  merge: (args, ctx) => Object.assign({}, ...args.map((a, i) => objectArg(a, ctx, `argument ${i + 1}`))),
  keys: (args, ctx) => (arity(args, ctx, 1), Object.keys(objectArg(args[0], ctx, 'argument')).sort()),
  values: (args, ctx) => {
    arity(args, ctx, 1);
    const o = objectArg(args[0], ctx, 'argument');
    return Object.keys(o)
      .sort()
      .map((k) => o[k] as Value);
  },
  coalesce: (args, ctx) => {
    const v = args.find((a) => a !== null && a !== '');
    return v === undefined ? ctx.fail('no non-null, non-empty argument') : v;
  },
  jsonencode: (args, ctx) => (arity(args, ctx, 1), JSON.stringify(args[0] ?? null)),
  jsondecode: (args, ctx) => {
    arity(args, ctx, 1);
    try {
      return JSON.parse(ctx.string(args[0] ?? null, 'argument')) as Value;
    } catch (e) {
      return ctx.fail(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
