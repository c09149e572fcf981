// The tables and goal lines of bench/hydra-compare.ts: medians over rounds with their spread, ratios per
// round (each round runs the targets back to back, so a round's ratio saw one machine load), issue 18's goals.
import { STEPS, type Step } from './hydra-flow.ts';

export interface Metric {
  ops: number;
  p50: number;
  p95: number;
}
export interface Round {
  metrics: Record<'flow' | 'exchange' | 'refresh' | 'introspection', Metric>;
  /** Median of each step over the round's flows, ms. */
  steps: Record<string, number>;
  /** CPU per introspection, µs: the server process and its database's PostgreSQL backends (NaN: not read). */
  introspectionCpu?: { server: number; db: number };
}
/** level → target name → rounds. */
export type Rounds = Record<number, Record<string, Round[]>>;

export function medianOf(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const f = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(x < 10 ? 1 : 0));
const spread = (xs: number[]) => `${f(medianOf(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const ratioSpread = (xs: number[]) => `${medianOf(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const LABEL = { flow: 'whole flow (authorize → login → consent → code → tokens)', exchange: 'token: code exchange', refresh: 'token: refresh', introspection: 'introspection (admin)' } as const;
const KEYS = Object.keys(LABEL) as (keyof typeof LABEL)[];

/** Per-round ratios a ÷ b of ops/s. */
const ratios = (a: Round[], b: Round[], k: keyof typeof LABEL) => a.map((r, i) => r.metrics[k].ops / b[i]!.metrics[k].ops);

export function report(names: string[], levels: number[], all: Rounds, sql?: Record<string, Partial<Record<Step, number>>>): string {
  const hydra = names[0]!;
  const others = names.slice(1);
  const out: string[] = [];
  for (const c of levels) {
    const r = all[c]!;
    out.push(`### ${c} concurrent client${c === 1 ? '' : 's'}`, '');
    out.push(`| operation | ${names.map((n) => `${n}: ops/s`).join(' | ')} | ${names.map((n) => `${n}: p50 / p95 ms`).join(' | ')} | ${others.map((n) => `${n} ÷ ${hydra}`).join(' | ')} |`);
    out.push(`| --- | ${names.map(() => '---:').join(' | ')} | ${names.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')} |`);
    for (const k of KEYS) {
      const ops = names.map((n) => spread(r[n]!.map((x) => x.metrics[k].ops)));
      const lat = names.map((n) => `${f(medianOf(r[n]!.map((x) => x.metrics[k].p50)))} / ${f(medianOf(r[n]!.map((x) => x.metrics[k].p95)))}`);
      out.push(`| ${LABEL[k]} | ${ops.join(' | ')} | ${lat.join(' | ')} | ${others.map((n) => ratioSpread(ratios(r[n]!, r[hydra]!, k))).join(' | ')} |`);
    }
    out.push('', `Per-step medians of the flows above, ms (median over rounds, min–max)${sql && c === levels[0] ? '; SQL round trips per step (median of 15 sequential flows, counted on the wire)' : ''}:`, '');
    const sqlCols = sql && c === levels[0] ? names.map((n) => `${n}: SQL`) : [];
    out.push(`| step | ${[...names, ...sqlCols].join(' | ')} |`, `| --- | ${[...names, ...sqlCols].map(() => '---:').join(' | ')} |`);
    for (const s of STEPS) {
      const cells = names.map((n) => spread(r[n]!.map((x) => x.steps[s]!)));
      const q = sqlCols.length ? names.map((n) => String(sql![n]?.[s] ?? '–')) : [];
      out.push(`| ${s} | ${[...cells, ...q].join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/** CPU per introspection of every target at every level: median over rounds, µs. */
export function cpuLine(names: string[], levels: number[], all: Rounds): string {
  const cell = (rs: Round[], k: 'server' | 'db') => f(medianOf(rs.map((r) => r.introspectionCpu?.[k] ?? NaN).filter((x) => !Number.isNaN(x))));
  const parts = levels.map((c) => `c${c}: ${names.map((n) => `${n} ${cell(all[c]![n]!, 'server')} + ${cell(all[c]![n]!, 'db')}`).join(', ')}`);
  return `CPU per introspection, µs (server process + its PostgreSQL backends, median over rounds, from /proc): ${parts.join('; ')}.`;
}

/** Issue 18's goals, measured vs goal, for every Lightgate target against the first (default) Hydra. */
export function goalLines(names: string[], levels: number[], all: Rounds): string {
  const hydra = names[0]!;
  const out = ['Goals of issue 18 (measured vs goal; ratios are medians of the per-round ratios):', ''];
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  for (const n of names.filter((x) => !x.startsWith('Ory Hydra'))) {
    for (const c of levels) {
      const lg = all[c]![n]!;
      const h = all[c]![hydra]!;
      const ratio = (k: keyof typeof LABEL) => medianOf(ratios(lg, h, k));
      const p95 = (rs: Round[]) => medianOf(rs.map((x) => x.metrics.flow.p95));
      const line = (what: string, got: string, ok: boolean) => out.push(`- ${n}, c${c}: ${what}: ${got} — ${mark(ok)}`);
      line('whole flow ≥ 2× Hydra', `${ratio('flow').toFixed(2)}×`, ratio('flow') >= 2);
      line("whole flow p95 ≤ Hydra's", `${f(p95(lg))} ms vs ${f(p95(h))} ms`, p95(lg) <= p95(h));
      for (const s of STEPS) {
        const a = medianOf(lg.map((x) => x.steps[s]!));
        const b = medianOf(h.map((x) => x.steps[s]!));
        line(`step "${s}" median ≤ Hydra's`, `${f(a)} ms vs ${f(b)} ms`, a <= b);
      }
      line('code exchange ≥ 3× Hydra', `${ratio('exchange').toFixed(2)}×`, ratio('exchange') >= 3);
      line('refresh ≥ 3× Hydra', `${ratio('refresh').toFixed(2)}×`, ratio('refresh') >= 3);
      line('introspection ≥ 2× Hydra', `${ratio('introspection').toFixed(2)}×`, ratio('introspection') >= 2);
    }
  }
  return out.join('\n');
}
