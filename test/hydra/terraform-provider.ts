// What Terraform's hydra provider (github.com/svrakitin/terraform-provider-hydra at 946891b, which talks to the
// admin API through github.com/ory/hydra-client-go/v2 v2.1.1) sends and keeps, ported line for line from its
// internal/provider/resource_oauth2_client.go so that tests can replay its exact request bodies without Go:
// - dataToClient: the body of POST /admin/clients and PUT /admin/clients/{id} (every unset string is sent as
//   "", every unset list as [], `client_id` as "" on create; the optional scalars only when non-zero);
// - dataFromClient: the Terraform state read back from a client;
// - planDiff: what `terraform plan` would change (the SDK v2 rules: "" / 0 / false / [] / {} equal null; an
//   Optional+Computed attribute the configuration leaves out keeps the state's value).

export type Attr = string | number | boolean | string[] | Record<string, string> | undefined;
/** A resource's attributes (configuration, planned values or state), by the provider's attribute names. */
export type ResourceData = Record<string, Attr>;

type Kind = 'string' | 'int' | 'bool' | 'list' | 'map';
/** The resource schema: kind and whether Terraform treats the attribute as computed. */
const SCHEMA: Record<string, { kind: Kind; computed?: boolean }> = {
  access_token_strategy: { kind: 'string' },
  allowed_cors_origins: { kind: 'list' },
  audience: { kind: 'list' },
  backchannel_logout_session_required: { kind: 'bool' },
  backchannel_logout_uri: { kind: 'string' },
  client_id: { kind: 'string', computed: true },
  client_name: { kind: 'string' },
  client_secret: { kind: 'string', computed: true },
  client_secret_expires_at: { kind: 'int' },
  client_uri: { kind: 'string' },
  contacts: { kind: 'list' },
  frontchannel_logout_session_required: { kind: 'bool' },
  frontchannel_logout_uri: { kind: 'string' },
  grant_types: { kind: 'list' },
  jwks_uri: { kind: 'string' },
  logo_uri: { kind: 'string' },
  metadata: { kind: 'map' },
  metadata_json: { kind: 'string' },
  owner: { kind: 'string' },
  policy_uri: { kind: 'string' },
  post_logout_redirect_uris: { kind: 'list' },
  redirect_uris: { kind: 'list' },
  request_object_signing_alg: { kind: 'string' },
  request_uris: { kind: 'list' },
  response_types: { kind: 'list' },
  sector_identifier_uri: { kind: 'string' },
  skip_consent: { kind: 'bool' },
  subject_type: { kind: 'string', computed: true },
  scopes: { kind: 'list', computed: true },
  token_endpoint_auth_method: { kind: 'string', computed: true },
  token_endpoint_auth_signing_alg: { kind: 'string' },
  tos_uri: { kind: 'string' },
  userinfo_signed_response_alg: { kind: 'string', computed: true },
};
const LIFESPANS = [
  'authorization_code_grant_access_token_lifespan',
  'authorization_code_grant_id_token_lifespan',
  'authorization_code_grant_refresh_token_lifespan',
  'client_credentials_grant_access_token_lifespan',
  'implicit_grant_access_token_lifespan',
  'implicit_grant_id_token_lifespan',
  'jwt_bearer_grant_access_token_lifespan',
  'refresh_token_grant_access_token_lifespan',
  'refresh_token_grant_id_token_lifespan',
  'refresh_token_grant_refresh_token_lifespan',
] as const;
for (const l of LIFESPANS) SCHEMA[l] = { kind: 'string' };

const ZERO: Record<Kind, Attr> = { string: '', int: 0, bool: false, list: [], map: {} };
/** `data.Get`: the value, or the kind's zero value. */
const get = (d: ResourceData, k: string): Attr => d[k] ?? ZERO[SCHEMA[k]!.kind];
/** `data.GetOk`: the value when it is not the zero value. */
function getOk(d: ResourceData, k: string): Attr {
  const v = get(d, k);
  return isZero(v) ? undefined : v;
}
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/** The provider's dataToClient, serialized as hydra-client-go marshals it (keys sorted, as Go maps are). */
export function dataToClient(d: ResourceData): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  const opt = (k: string) => {
    const v = getOk(d, k);
    if (v !== undefined) c[k] = v;
  };
  opt('access_token_strategy');
  c.allowed_cors_origins = get(d, 'allowed_cors_origins');
  c.audience = get(d, 'audience');
  c.backchannel_logout_session_required = get(d, 'backchannel_logout_session_required');
  c.backchannel_logout_uri = get(d, 'backchannel_logout_uri');
  c.client_id = get(d, 'client_id');
  c.client_name = get(d, 'client_name');
  opt('client_secret');
  opt('client_secret_expires_at');
  c.client_uri = get(d, 'client_uri');
  c.contacts = get(d, 'contacts');
  opt('frontchannel_logout_session_required');
  c.frontchannel_logout_uri = get(d, 'frontchannel_logout_uri');
  c.grant_types = get(d, 'grant_types');
  c.jwks_uri = get(d, 'jwks_uri');
  c.logo_uri = get(d, 'logo_uri');
  const metadataJson = getOk(d, 'metadata_json');
  if (metadataJson !== undefined) c.metadata = JSON.parse(metadataJson as string);
  else opt('metadata');
  opt('owner');
  c.policy_uri = get(d, 'policy_uri');
  c.post_logout_redirect_uris = get(d, 'post_logout_redirect_uris');
  c.redirect_uris = get(d, 'redirect_uris');
  opt('request_object_signing_alg');
  c.request_uris = get(d, 'request_uris');
  c.response_types = get(d, 'response_types');
  c.sector_identifier_uri = get(d, 'sector_identifier_uri');
  opt('skip_consent');
  opt('subject_type');
  const scopes = get(d, 'scopes') as string[];
  if (scopes.length > 0) c.scope = scopes.join(' ');
  opt('token_endpoint_auth_method');
  opt('token_endpoint_auth_signing_alg');
  c.tos_uri = get(d, 'tos_uri');
  opt('userinfo_signed_response_alg');
  for (const l of LIFESPANS) opt(l);
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The provider's dataFromClient: the state after a create, read or update answered `client`. The secret is
 * kept from the previous state when the answer has none. A client without a `jwks` object would make the
 * provider panic (`oAuthClient.Jwks.(map[string]interface{})`): that throws here.
 */
export function dataFromClient(client: Record<string, unknown>, previous: ResourceData = {}): ResourceData {
  if (typeof client.jwks !== 'object' || client.jwks === null || Array.isArray(client.jwks)) {
    throw new Error(`the provider would panic: jwks is ${JSON.stringify(client.jwks)}, not an object`);
  }
  const s: ResourceData = {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : undefined);
  for (const [k, { kind }] of Object.entries(SCHEMA)) {
    if (k === 'scopes' || k === 'metadata' || k === 'metadata_json' || k === 'client_secret') continue;
    const v = client[k];
    s[k] = kind === 'list' ? list(v) : kind === 'string' ? str(v) : kind === 'bool' ? (v === true ? true : v === false ? false : undefined) : typeof v === 'number' ? v : undefined;
  }
  s.client_secret = typeof client.client_secret === 'string' ? client.client_secret : previous.client_secret;
  const metadata = client.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    if (Object.values(metadata).every((v) => typeof v === 'string')) s.metadata = metadata as Record<string, string>;
    else s.metadata_json = JSON.stringify(metadata);
  }
  s.scopes = typeof client.scope === 'string' ? client.scope.split(' ') : undefined;
  return s;
}

/** Terraform's planned values for `config` over `state` (an Optional+Computed attribute left out keeps its state). */
export function planned(config: ResourceData, state: ResourceData): ResourceData {
  const p: ResourceData = {};
  for (const [k, { computed }] of Object.entries(SCHEMA)) p[k] = config[k] !== undefined ? config[k] : computed ? state[k] : undefined;
  return p;
}

/** The attributes `terraform plan` would change, with their state and configured values. */
export function planDiff(config: ResourceData, state: ResourceData): { attribute: string; state: Attr; config: Attr }[] {
  const want = planned(config, state);
  const changes: { attribute: string; state: Attr; config: Attr }[] = [];
  for (const k of Object.keys(SCHEMA)) {
    const a = isZero(state[k]) ? null : state[k];
    const b = isZero(want[k]) ? null : want[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ attribute: k, state: state[k], config: want[k] });
  }
  return changes;
}

/** How hydra-client-go reads a field of an answer, as the provider sees it: absent is the zero value. */
export function asProviderReads(client: Record<string, unknown>, field: string, written: unknown): unknown {
  const v = client[field];
  if (v !== undefined && v !== null) return v;
  if (Array.isArray(written)) return [];
  if (typeof written === 'string') return '';
  if (typeof written === 'boolean') return false;
  if (typeof written === 'number') return 0;
  return v;
}
