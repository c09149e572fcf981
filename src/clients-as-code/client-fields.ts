// The Hydra OAuth2Client fields clients-as-code manages, by kind, and the desired-client shape that
// every input format (JSON, YAML, Terraform) is read into.
import type { OAuth2Client } from '../hydra-port/types.ts';
import { parseSpendDetail, type WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';

export const STRING_FIELDS = [
  'access_token_strategy',
  'backchannel_logout_uri',
  'client_id',
  'client_name',
  'client_secret',
  'client_uri',
  'frontchannel_logout_uri',
  'jwks_uri',
  'logo_uri',
  'owner',
  'policy_uri',
  'request_object_signing_alg',
  'sector_identifier_uri',
  'subject_type',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'tos_uri',
  'userinfo_signed_response_alg',
] as const;

export const LIST_FIELDS = [
  'allowed_cors_origins',
  'audience',
  'contacts',
  'grant_types',
  'post_logout_redirect_uris',
  'redirect_uris',
  'request_uris',
  'response_types',
] as const;

export const BOOL_FIELDS = [
  'backchannel_logout_session_required',
  'dpop_bound_access_tokens',
  'frontchannel_logout_session_required',
  'require_pushed_authorization_requests',
  'skip_consent',
  'skip_logout_consent',
] as const;

/**
 * Lightgate's spending budgets (issue 15): one wallet_spend detail object each (RFC 9396), read in its canonical
 * form (src/shared/wallet-spend) so a file compares equal to what the server stores.
 */
export const BUDGET_FIELDS = ['spend_budget_default', 'spend_budget_max'] as const;

/** One budget field's value, or the sentence saying what is wrong with it. */
export function readBudget(field: string, value: unknown): { ok: true; value: WalletSpendDetail } | { ok: false; error: string } {
  const parsed = parseSpendDetail(value);
  return parsed.ok ? parsed : { ok: false, error: `${field}: ${parsed.error}` };
}

/** Output-only fields of Hydra's client: accepted in JSON/YAML (e.g. a saved `GET /admin/clients`) and ignored. */
export const READ_ONLY_FIELDS = [
  'created_at',
  'updated_at',
  'client_secret_expires_at',
  'registration_access_token',
  'registration_client_uri',
  'status',
] as const;

/** Metadata keys Lightgate writes to remember which file and resource own a client. */
export const RESOURCE_KEY = 'lightgate_resource';
export const SOURCE_KEY = 'lightgate_source';

/** Managed fields of one client; only the fields a file sets are compared and written. */
export type ClientFields = Partial<OAuth2Client> & Record<string, unknown>;

export interface DesiredClient {
  /** "<type>.<name>", e.g. hydra_oauth2_client.example: the identity stored in metadata.lightgate_resource. */
  key: string;
  /** Where it is defined, "file:line", for messages. */
  origin: string;
  fields: ClientFields;
}
