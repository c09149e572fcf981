// Use case: carry out a plan through the HydraAdmin port (Lightgate's admin API or a real Hydra).
// Updates and creates go first and deletes last, so a failure never leaves fewer clients than
// before; the first failure stops the run and is reported with what was done until then.
import type { HydraAdmin } from '../../hydra-port/port.ts';
import type { Plan, PlanStep } from '../plan.ts';
import { type ClientsError, hydraFailure } from './plan-clients.ts';

export interface CreatedClient {
  key: string;
  client_id: string;
  /** Returned once by the server at creation; absent for public clients (token_endpoint_auth_method none). */
  client_secret?: string;
}

export interface ApplyReport {
  done: PlanStep[];
  created: CreatedClient[];
  failure?: { step: PlanStep; error: ClientsError };
}

const ORDER: Record<PlanStep['action'], number> = { update: 0, create: 1, delete: 2, unchanged: 3 };

export async function applyPlan(hydra: HydraAdmin, plan: Plan): Promise<ApplyReport> {
  const report: ApplyReport = { done: [], created: [] };
  const steps = [...plan.steps].sort((a, b) => ORDER[a.action] - ORDER[b.action]);
  for (const step of steps) {
    if (step.action === 'unchanged') continue;
    if (step.action === 'create') {
      const r = await hydra.createClient(step.body);
      if (!r.ok) return { ...report, failure: { step, error: hydraFailure(`creating ${step.key}`, r.error) } };
      report.created.push({ key: step.key, client_id: r.value.client_id, client_secret: r.value.client_secret || undefined });
    } else if (step.action === 'update') {
      const r = await hydra.replaceClient(step.clientId, step.body);
      if (!r.ok) return { ...report, failure: { step, error: hydraFailure(`updating ${step.key} (${step.clientId})`, r.error) } };
    } else {
      const r = await hydra.deleteClient(step.clientId);
      // Already gone is what we wanted.
      if (!r.ok && r.error.status !== 404) {
        return { ...report, failure: { step, error: hydraFailure(`deleting ${step.key} (${step.clientId})`, r.error) } };
      }
    }
    report.done.push(step);
  }
  return report;
}
