// Human-readable plan, in the spirit of `terraform plan`: one line per client, then the fields.
import type { Plan, PlanStep } from './plan.ts';
import { summarize } from './plan.ts';

const SYMBOL: Record<PlanStep['action'], string> = { create: '+', update: '~', delete: '-', unchanged: '=' };

const show = (field: string, v: unknown): string => (field === 'client_secret' ? '(sensitive)' : v === undefined ? '(unset)' : JSON.stringify(v));

export function formatPlan(plan: Plan): string[] {
  const lines: string[] = [];
  for (const s of plan.steps) {
    const head = `  ${SYMBOL[s.action]} ${s.action.padEnd(9)} ${s.key}`;
    switch (s.action) {
      case 'create':
        lines.push(`${head}  (${s.origin})`);
        for (const [k, v] of Object.entries(s.body).sort(([a], [b]) => a.localeCompare(b))) lines.push(`        ${k} = ${show(k, v)}`);
        break;
      case 'update':
        lines.push(`${head}  client_id=${s.clientId}`);
        for (const c of s.changes) lines.push(`        ${c.field}: ${show(c.field, c.from)} -> ${show(c.field, c.to)}`);
        break;
      case 'delete':
        lines.push(`${head}  client_id=${s.clientId}${s.clientName ? ` (${JSON.stringify(s.clientName)})` : ''}`);
        break;
      case 'unchanged':
        lines.push(`${head}  client_id=${s.clientId}`);
        break;
    }
  }
  const n = summarize(plan);
  lines.push(`Plan: ${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.unchanged} unchanged.`);
  return lines;
}
