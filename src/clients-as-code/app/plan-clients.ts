// Use case: read a clients file and plan it against the clients the server has.
import type { HydraAdmin } from '../../hydra-port/port.ts';
import type { HydraError, OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { DesiredClient } from '../client-fields.ts';
import { type LoadError, loadClientsFile } from '../load.ts';
import { makePlan, type Plan, type PlanConflict } from '../plan.ts';

export type ClientsError = LoadError | PlanConflict | { code: 'hydra_error'; message: string; hydra: HydraError };

export const hydraFailure = (what: string, e: HydraError): ClientsError => ({
  code: 'hydra_error',
  hydra: e,
  message: `${what}: ${e.error} (HTTP ${e.status}): ${e.error_description}`,
});

export interface PlanClientsInput {
  path: string;
  vars: Readonly<Record<string, string>>;
  /** The owner recorded in metadata.lightgate_source; defaults to the file's base name. */
  source: string;
}

export async function planClientsFromFile(hydra: HydraAdmin, input: PlanClientsInput): Promise<Result<Plan, ClientsError>> {
  const desired = await loadClientsFile(input.path, input.vars);
  if (!desired.ok) return desired;
  return planClients(hydra, input.source, desired.value);
}

export async function planClients(hydra: HydraAdmin, source: string, desired: DesiredClient[]): Promise<Result<Plan, ClientsError>> {
  const listed = await hydra.listClients();
  if (!listed.ok) return err(hydraFailure('listing clients', listed.error));
  const existing: OAuth2Client[] = [...listed.value];
  // An explicit client_id the list did not show (e.g. a server that lists only some clients) is
  // looked up directly, so apply updates it instead of failing to create it.
  const known = new Set(existing.map((c) => c.client_id));
  for (const d of desired) {
    const id = d.fields.client_id;
    if (!id || known.has(id)) continue;
    const got = await hydra.getClient(id);
    if (got.ok) {
      existing.push(got.value);
      known.add(id);
    } else if (got.error.status !== 404) {
      return err(hydraFailure(`reading client ${id}`, got.error));
    }
  }
  const plan = makePlan(source, desired, existing);
  return plan.ok ? ok(plan.value) : plan;
}
