// OAuth 2.0 clients in Hydra's shape: defaults for omitted fields, validation, and what is stored.
import { z } from 'zod';
import { CLIENT_LIFESPAN_FIELDS, type ClientStatus, type OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { parseClientBudgets } from './grant-budget.ts';

export const SUPPORTED_SCOPES = ['openid', 'offline', 'offline_access', 'read', 'receive', 'write'] as const;
// The device authorization grant (RFC 8628) for terminals and CLIs without a browser (issue 16).
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const SUPPORTED_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT] as const;
export const SUPPORTED_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
/** Hydra's default scope for a client created without one. */
export const DEFAULT_CLIENT_SCOPE = 'offline_access offline openid';

export interface ClientValidationError {
  error: 'invalid_client_metadata' | 'invalid_redirect_uri';
  error_description: string;
}

const uriList = z.array(z.string().max(2048)).max(100);
const optionalText = z.string().max(2048);

/** What the admin API accepts (Hydra's field names). Unknown fields are ignored, like Hydra. */
export const clientInputSchema = z.object({
  // "" means "generate one", as in Hydra (its SDKs and the svrakitin/hydra Terraform provider send it).
  client_id: z.string().max(255).regex(/^[\x21-\x7e]*$/, 'must be printable ASCII without spaces').optional(),
  client_name: optionalText.optional(),
  client_secret: z.union([z.literal(''), z.string().min(6, 'must be at least 6 characters').max(512)]).optional(),
  client_uri: optionalText.optional(),
  contacts: z.array(z.string().max(320)).max(50).nullable().optional(),
  grant_types: z.array(z.string()).max(10).nullable().optional(),
  response_types: z.array(z.string()).max(10).nullable().optional(),
  token_endpoint_auth_method: z.string().optional(),
  scope: z.string().max(2048).optional(),
  redirect_uris: uriList.nullable().optional(),
  post_logout_redirect_uris: uriList.nullable().optional(),
  skip_consent: z.boolean().optional(),
  skip_logout_consent: z.boolean().nullable().optional(),
  backchannel_logout_uri: optionalText.optional(),
  backchannel_logout_session_required: z.boolean().nullable().optional(),
  // Issue 16, Lightgate extensions (Hydra has neither): RFC 9449 section 5.2 and RFC 9126 section 6.
  dpop_bound_access_tokens: z.boolean().nullable().optional(),
  require_pushed_authorization_requests: z.boolean().nullable().optional(),
  // Issue 15, Lightgate extensions: wallet_spend details (RFC 9396), parsed strictly in normalizeClient.
  spend_budget_default: z.unknown().optional(),
  spend_budget_max: z.unknown().optional(),
  audience: z.array(z.string().max(2048)).max(50).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  owner: z.string().max(255).optional(),
  policy_uri: optionalText.optional(),
  tos_uri: optionalText.optional(),
  logo_uri: optionalText.optional(),
  subject_type: z.string().optional(),
  // Hydra's two strategies; Lightgate issues opaque tokens only (checked in normalizeClient). "" = unset.
  access_token_strategy: z.enum(['', 'opaque', 'jwt'], 'must be "jwt" or "opaque"').optional(),
  status: z.enum(['pending', 'active', 'suspended']).optional(),
});
export type ClientInput = z.infer<typeof clientInputSchema>;

/** A client as stored: the public fields plus the secret's hash, never the secret. */
export interface StoredClient {
  client: Omit<OAuth2Client, 'client_secret'>;
  secretHash: string | undefined;
  status: ClientStatus;
}

/**
 * Hydra fields Lightgate has no use for (no CORS per client, no client keys or request objects, no front-channel
 * logout, no per-grant lifespans, no signed userinfo). Their empty values, which Hydra's SDKs and the Terraform
 * provider send for every unset field, are accepted; a real value is refused rather than silently dropped, since
 * reading the client back would then differ from what was written (Terraform would plan a change forever).
 */
const isEmptyKeySet = (v: Record<string, unknown>) => Object.keys(v).length === 0 || (Object.keys(v).length === 1 && Array.isArray(v.keys) && v.keys.length === 0);

const UNSUPPORTED_FIELDS: Record<string, (v: unknown) => boolean> = {
  allowed_cors_origins: (v) => Array.isArray(v) && v.length === 0,
  request_uris: (v) => Array.isArray(v) && v.length === 0,
  jwks: (v) => typeof v === 'object' && v !== null && isEmptyKeySet(v as Record<string, unknown>),
  jwks_uri: (v) => v === '',
  sector_identifier_uri: (v) => v === '',
  frontchannel_logout_uri: (v) => v === '',
  frontchannel_logout_session_required: (v) => v === false,
  token_endpoint_auth_signing_alg: (v) => v === '',
  request_object_signing_alg: (v) => v === '',
  userinfo_signed_response_alg: (v) => v === '' || v === 'none',
  ...Object.fromEntries(CLIENT_LIFESPAN_FIELDS.map((f) => [f, (v: unknown) => v === ''])),
};

function unsupportedField(raw: Record<string, unknown>): string | undefined {
  for (const [field, isEmpty] of Object.entries(UNSUPPORTED_FIELDS)) {
    const value = raw[field];
    if (value === undefined || value === null || isEmpty(value)) continue;
    return `Field ${field} is not supported by Lightgate: leave it unset or empty (got ${JSON.stringify(value).slice(0, 100)})`;
  }
  return undefined;
}

function invalid(description: string): Result<never, ClientValidationError> {
  return err({ error: 'invalid_client_metadata', error_description: description });
}

function checkUri(value: string, field: string, { allowCustomScheme }: { allowCustomScheme: boolean }): string | undefined {
  const parsed = URL.parse(value);
  if (!parsed) return `${field} must contain valid URLs: ${JSON.stringify(value)}`;
  if (value.includes('#')) return `${field} must not contain fragments: ${JSON.stringify(value)}`;
  if (!allowCustomScheme && !['http:', 'https:'].includes(parsed.protocol)) return `${field} must use http or https: ${JSON.stringify(value)}`;
  if (['javascript:', 'data:', 'vbscript:', 'file:'].includes(parsed.protocol)) return `${field} must not use the ${parsed.protocol} scheme`;
  if (parsed.username || parsed.password) return `${field} must not contain credentials: ${JSON.stringify(value)}`;
  return undefined;
}

/**
 * Applies Hydra's defaults and validates. `now` and `generated` are passed in so the function stays pure.
 * Returns the public client (with client_id) and the plaintext secret to hash, if the client has one.
 */
export function normalizeClient(
  raw: unknown,
  context: { now: Date; generatedId: string; generatedSecret: string; existing?: StoredClient },
): Result<{ client: Omit<OAuth2Client, 'client_secret'>; secret: string | undefined; status: ClientStatus }, ClientValidationError> {
  const parsed = clientInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return invalid(`Field ${issue.path.join('.') || 'body'} ${issue.message.replace(/^Invalid input: /, '')}`.trim());
  }
  const input = parsed.data;
  const unsupported = unsupportedField(raw as Record<string, unknown>);
  if (unsupported) return invalid(unsupported);
  const budgets = parseClientBudgets(input);
  if (!budgets.ok) return invalid(budgets.error);
  if (input.access_token_strategy === 'jwt') return invalid('Field access_token_strategy "jwt" is not supported: Lightgate issues opaque access tokens');
  // Stored as given (Hydra keeps [] and answers []), so a client reads back as written; the defaults of an
  // empty list apply where the client is used (effectiveGrantTypes, effectiveResponseTypes).
  const grantTypes = [...new Set(input.grant_types ?? [])];
  for (const g of grantTypes) if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(g)) return invalid(`Field grant_types has unsupported value "${g}"; the implicit and password grants are not offered`);
  const responseTypes = [...new Set(input.response_types ?? [])];
  for (const r of responseTypes) {
    if (!r.split(' ').every((t) => t === 'code' || t === 'id_token' || t === 'token')) return invalid(`Field response_types has unsupported value "${r}"`);
    if (r.split(' ').includes('token')) return invalid('Field response_types must not contain "token": the implicit grant is not offered');
  }
  const authMethod = input.token_endpoint_auth_method || 'client_secret_basic';
  if (!(SUPPORTED_AUTH_METHODS as readonly string[]).includes(authMethod)) return invalid(`Field token_endpoint_auth_method has unsupported value "${authMethod}"`);
  const redirectUris = input.redirect_uris ?? [];
  for (const uri of redirectUris) {
    const problem = checkUri(uri, 'redirect_uris', { allowCustomScheme: true });
    if (problem) return err({ error: 'invalid_redirect_uri', error_description: problem });
  }
  const postLogout = input.post_logout_redirect_uris ?? [];
  for (const uri of postLogout) {
    const problem = checkUri(uri, 'post_logout_redirect_uris', { allowCustomScheme: true });
    if (problem) return err({ error: 'invalid_redirect_uri', error_description: problem });
  }
  for (const [field, value] of [['client_uri', input.client_uri], ['policy_uri', input.policy_uri], ['tos_uri', input.tos_uri], ['logo_uri', input.logo_uri], ['backchannel_logout_uri', input.backchannel_logout_uri]] as const) {
    if (value) {
      const problem = checkUri(value, field, { allowCustomScheme: false });
      if (problem) return invalid(problem);
    }
  }
  const subjectType = input.subject_type || 'public';
  if (subjectType !== 'public') return invalid('Field subject_type must be "public"');
  // An empty scope is unset, as in Hydra (its validator applies the default scope to "").
  const scope = !input.scope ? DEFAULT_CLIENT_SCOPE : input.scope.split(/\s+/).filter(Boolean).join(' ');
  if (/[^\x21\x23-\x5b\x5d-\x7e ]/.test(scope)) return invalid('Field scope contains characters not allowed by RFC 6749 section 3.3');

  const existing = context.existing;
  const secret = authMethod === 'none' ? undefined : input.client_secret || (existing?.secretHash ? undefined : context.generatedSecret);
  if (authMethod === 'none' && input.client_secret) return invalid('Field client_secret must be empty when token_endpoint_auth_method is "none"');

  const client: Omit<OAuth2Client, 'client_secret'> = {
    client_id: existing?.client.client_id ?? (input.client_id || context.generatedId),
    client_name: input.client_name ?? '',
    client_secret_expires_at: 0,
    client_uri: input.client_uri ?? '',
    contacts: input.contacts ?? null,
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: authMethod,
    scope,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout,
    skip_consent: input.skip_consent ?? false,
    skip_logout_consent: input.skip_logout_consent ?? false,
    backchannel_logout_uri: input.backchannel_logout_uri ?? '',
    backchannel_logout_session_required: input.backchannel_logout_session_required ?? false,
    dpop_bound_access_tokens: input.dpop_bound_access_tokens ?? false,
    require_pushed_authorization_requests: input.require_pushed_authorization_requests ?? false,
    spend_budget_default: budgets.value.spend_budget_default,
    spend_budget_max: budgets.value.spend_budget_max,
    audience: input.audience ?? [],
    metadata: input.metadata ?? {},
    owner: input.owner ?? '',
    policy_uri: input.policy_uri ?? '',
    tos_uri: input.tos_uri ?? '',
    logo_uri: input.logo_uri ?? '',
    subject_type: subjectType,
    // Returned only when set, as Hydra does: Terraform's hydra provider does not treat it as computed.
    ...(input.access_token_strategy ? { access_token_strategy: input.access_token_strategy } : {}),
    created_at: existing?.client.created_at ?? context.now.toISOString(),
    updated_at: context.now.toISOString(),
  };
  const status: ClientStatus = input.status ?? existing?.status ?? 'active';
  return ok({ client, secret, status });
}

/** OIDC Dynamic Client Registration 1.0 section 2: an omitted (empty) grant_types means authorization_code only. */
export function effectiveGrantTypes(client: Pick<OAuth2Client, 'grant_types'>): string[] {
  return client.grant_types.length > 0 ? client.grant_types : ['authorization_code'];
}

/** The same section: an omitted (empty) response_types means code only. */
export function effectiveResponseTypes(client: Pick<OAuth2Client, 'response_types'>): string[] {
  return client.response_types.length > 0 ? client.response_types : ['code'];
}

/** The scopes of `requested` that the client is registered for (a client gets only those). */
export function allowedScopes(client: Pick<OAuth2Client, 'scope'>, requested: readonly string[]): string[] {
  const registered = new Set(client.scope.split(' '));
  return requested.filter((s) => registered.has(s));
}
