// Request bodies of the admin API's accept/reject calls, strict like Hydra's: an unknown field is a 400, so a
// misspelt `remember_for` is caught instead of silently ignored.
import { z } from 'zod';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

const claims = z.record(z.string(), z.unknown());

export const acceptLoginSchema = z.strictObject({
  subject: z.string(),
  remember: z.boolean().optional(),
  remember_for: z.number().int().min(0).optional(),
  acr: z.string().optional(),
  amr: z.array(z.string()).optional(),
  context: z.unknown().optional(),
  extend_session_lifespan: z.boolean().optional(),
  force_subject_identifier: z.string().optional(),
  identity_provider_session_id: z.string().optional(),
});

export const acceptConsentSchema = z.strictObject({
  grant_scope: z.array(z.string()).optional(),
  grant_access_token_audience: z.array(z.string()).optional(),
  remember: z.boolean().optional(),
  remember_for: z.number().int().min(0).optional(),
  session: z.strictObject({ access_token: claims.optional(), id_token: claims.optional() }).optional(),
  context: z.unknown().optional(),
  handled_at: z.string().optional(),
  // Issue 15 (Lightgate extension): wallet_spend details, parsed strictly by the consent flow (a 400 names the problem).
  grant_authorization_details: z.array(z.custom<WalletSpendDetail>(() => true)).max(8).optional(),
});

/** Hydra's acceptDeviceUserCodeRequest (issue 16). */
export const acceptDeviceSchema = z.strictObject({
  user_code: z.string().max(64).optional(),
});

export const rejectSchema = z.strictObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_hint: z.string().optional(),
  error_debug: z.string().optional(),
  status_code: z.number().int().optional(),
});

/** Parses a body; on failure the Hydra-style description names the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; description: string } {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return { ok: false, description: `The request body contains an unknown field: ${issue.keys.join(', ')}` };
  return { ok: false, description: `Field ${issue.path.join('.') || 'body'}: ${issue.message}` };
}
