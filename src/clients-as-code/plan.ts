// Pure planning: desired clients of one source file against the server's clients.
// Identity: an explicit client_id, else metadata.lightgate_resource (the resource address); a
// client that carries metadata.lightgate_source = <this source> but is no longer in the file is
// deleted. Only the fields a file sets are compared, so server defaults never cause drift.
import type { OAuth2Client } from '../hydra-port/types.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { type ClientFields, type DesiredClient, RESOURCE_KEY, SOURCE_KEY } from './client-fields.ts';
import { stableJson } from './hcl/values.ts';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export type PlanStep =
  | { action: 'create'; key: string; origin: string; body: ClientFields }
  | { action: 'update'; key: string; origin: string; clientId: string; changes: FieldChange[]; body: ClientFields }
  | { action: 'delete'; key: string; clientId: string; clientName: string }
  | { action: 'unchanged'; key: string; origin: string; clientId: string };

export interface Plan {
  source: string;
  steps: PlanStep[];
}

export interface PlanConflict {
  code: 'duplicate_client_id' | 'ambiguous_resource';
  message: string;
}

// Never sent back on a replace: the server owns them.
const SERVER_OWNED = new Set(['created_at', 'updated_at', 'client_secret', 'client_secret_expires_at', 'registration_access_token', 'registration_client_uri', 'status']);
// Not comparable: stored hashed by the server.
const NOT_COMPARED = new Set(['client_secret', 'client_id']);

/** The fields to write for a desired client: its own fields plus the ownership metadata. */
export function desiredBody(d: DesiredClient, source: string): ClientFields {
  return { ...d.fields, metadata: { ...(d.fields.metadata ?? {}), [RESOURCE_KEY]: d.key, [SOURCE_KEY]: source } };
}

// Empty and absent are the same (Hydra answers [] / "" / false / {} for unset fields).
function normalize(field: string, v: unknown): string {
  if (v === undefined || v === null || v === '' || v === false) return 'null';
  if (Array.isArray(v) && v.length === 0) return 'null';
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return 'null';
  // scope is a set (RFC 6749 §3.3): order and spacing do not matter
  if (field === 'scope' && typeof v === 'string') return JSON.stringify(v.split(/\s+/).filter(Boolean).sort().join(' '));
  return stableJson(v);
}

export function diffFields(desired: ClientFields, actual: OAuth2Client): FieldChange[] {
  const current = actual as unknown as Record<string, unknown>;
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(desired)) {
    if (NOT_COMPARED.has(field)) continue;
    const from = current[field];
    if (normalize(field, to) !== normalize(field, from)) changes.push({ field, from, to });
  }
  return changes.sort((a, b) => a.field.localeCompare(b.field));
}

export function makePlan(source: string, desired: DesiredClient[], existing: OAuth2Client[]): Result<Plan, PlanConflict> {
  const ids = new Map<string, string>();
  for (const d of desired) {
    const id = d.fields.client_id;
    if (!id) continue;
    const other = ids.get(id);
    if (other) return err({ code: 'duplicate_client_id', message: `${d.origin}: client_id "${id}" is also used by ${other}` });
    ids.set(id, d.key);
  }

  const byId = new Map(existing.map((c) => [c.client_id, c]));
  const resourceOf = (c: OAuth2Client) => (typeof c.metadata?.[RESOURCE_KEY] === 'string' ? (c.metadata[RESOURCE_KEY] as string) : undefined);
  const sourceOf = (c: OAuth2Client) => (typeof c.metadata?.[SOURCE_KEY] === 'string' ? (c.metadata[SOURCE_KEY] as string) : undefined);

  const claimed = new Set<string>();
  const steps: PlanStep[] = [];
  for (const d of desired) {
    let match: OAuth2Client | undefined;
    if (d.fields.client_id) {
      match = byId.get(d.fields.client_id);
    } else {
      // Only this source's clients (or ones no source owns) match: two files may both declare
      // hydra_oauth2_client.app. After renaming a file, keep its identity with --source <old path>.
      const candidates = existing.filter((c) => resourceOf(c) === d.key && (sourceOf(c) === undefined || sourceOf(c) === source) && !ids.has(c.client_id) && !claimed.has(c.client_id));
      const own = candidates.filter((c) => sourceOf(c) === source);
      if (own.length > 1 || (own.length === 0 && candidates.length > 1)) {
        const list = (own.length > 1 ? own : candidates).map((c) => c.client_id).join(', ');
        const message = `${d.origin}: several clients claim to be ${d.key} (${list}); delete the extra ones or set client_id`;
        return err({ code: 'ambiguous_resource', message });
      }
      match = own[0] ?? candidates[0];
    }
    const body = desiredBody(d, source);
    if (!match) {
      steps.push({ action: 'create', key: d.key, origin: d.origin, body });
      continue;
    }
    claimed.add(match.client_id);
    const changes = diffFields(body, match);
    if (changes.length === 0) {
      steps.push({ action: 'unchanged', key: d.key, origin: d.origin, clientId: match.client_id });
      continue;
    }
    // PUT replaces the whole client: keep the fields the file does not manage as they are.
    const kept: ClientFields = {};
    for (const [k, v] of Object.entries(match)) if (!SERVER_OWNED.has(k)) kept[k] = v;
    steps.push({ action: 'update', key: d.key, origin: d.origin, clientId: match.client_id, changes, body: { ...kept, ...body, client_id: match.client_id } });
  }
  for (const c of existing) {
    if (claimed.has(c.client_id) || sourceOf(c) !== source) continue;
    steps.push({ action: 'delete', key: resourceOf(c) ?? c.client_id, clientId: c.client_id, clientName: c.client_name });
  }
  return ok({ source, steps });
}

export function summarize(plan: Plan): Record<PlanStep['action'], number> {
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const s of plan.steps) counts[s.action]++;
  return counts;
}
