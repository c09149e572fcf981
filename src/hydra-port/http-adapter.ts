// HydraAdmin over HTTP: Ory Hydra's admin API (Ory Hydra's OpenAPI spec, ory/hydra `spec/api.json`), spoken
// both by a real Hydra and by Lightgate's own admin server (port 4445). Every failure comes back as
// a HydraError value, including an unreachable server (503); nothing here throws.
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../shared/result.ts';
import { forwardRequestId } from '../shared/request-context.ts';
import { isRecord, nextPageToken, toHydraError, withGrantedDetails, withRequestedDetails, withTokenDetails } from './http-responses.ts';
import { EXTENSION_UNAVAILABLE, type HydraResult, type LightgatePort } from './port.ts';
import type { ConsentRequest, ConsentSession, HydraError, IntrospectedToken, LoginRequest, LogoutRequest, OAuth2Client, RedirectTo } from './types.ts';

export interface HttpHydraAdminOptions {
  /** Extra headers on every request, e.g. an Authorization header for a protected admin API. */
  headers?: Record<string, string>;
  /** Per-request timeout; a timed-out request is a 503 error value. Default 10 s. */
  timeoutMs?: number;
  /** Page size for list endpoints (Hydra allows 1..1000). Default 500. */
  pageSize?: number;
  /** Injected fetch (defaults to the global, undici). */
  fetch?: typeof fetch;
  /**
   * Whether the server speaks Lightgate's extension (approval state, paged lists). Default true (Lightgate's
   * own admin API); false for a real Ory Hydra, where extension calls answer EXTENSION_UNAVAILABLE unsent.
   */
  lightgateExtension?: boolean;
}

type Query = Record<string, string | undefined>;

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  json?: unknown;
  form?: Record<string, string | undefined>;
}

interface RawResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

// At most this many pages are followed on a list, so a misbehaving server cannot loop us forever.
const MAX_PAGES = 200;

export { toHydraError };

export function createHttpHydraAdmin(adminUrl: string, options: HttpHydraAdminOptions = {}): LightgatePort {
  const base = new URL(adminUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pageSize = String(options.pageSize ?? 500);

  async function send(spec: RequestSpec): Promise<RawResponse | HydraError> {
    const url = new URL(base.href);
    url.pathname = basePath + spec.path;
    url.search = '';
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    // The flow's request id travels to the admin API so both services log it.
    const headers: Record<string, string> = { accept: 'application/json', ...forwardRequestId(), ...options.headers };
    let body: string | undefined;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) form.set(k, v);
      body = form.toString();
    }
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, { method: spec.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      const reason = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      return {
        status: 503,
        error: 'temporarily_unavailable',
        error_description: `Hydra admin API at ${base.origin} is unreachable: ${reason}`,
      };
    }
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.status >= 400) return toHydraError(res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  const isError = (r: RawResponse | HydraError): r is HydraError => 'error' in r;
  // Issue 15: the Lightgate extensions' authorization details, parsed on the way in (http-responses.ts).
  const mapOk = <T, U>(r: Result<T, HydraError>, f: (value: T) => U): Result<U, HydraError> => (r.ok ? ok(f(r.value)) : r);

  async function call<T>(spec: RequestSpec, accept: (body: unknown) => body is T, what: string): HydraResult<T> {
    const r = await send(spec);
    if (isError(r)) return err(r);
    if (!accept(r.body)) {
      return err({ status: 502, error: 'invalid_response', error_description: `Hydra admin API sent an unexpected ${what} body` });
    }
    return ok(r.body);
  }

  async function callVoid(spec: RequestSpec): HydraResult<void> {
    const r = await send(spec);
    return isError(r) ? err(r) : ok(undefined);
  }

  async function list<T>(path: string, query: Query, accept: (v: unknown) => v is T, what: string): HydraResult<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await send({ method: 'GET', path, query: { ...query, page_size: pageSize, page_token: token } });
      if (isError(r)) return err(r);
      // Hydra answers an empty list as null in some versions.
      const body = r.body ?? [];
      if (!Array.isArray(body) || !body.every(accept)) {
        return err({ status: 502, error: 'invalid_response', error_description: `Hydra admin API sent an unexpected ${what} list` });
      }
      items.push(...body);
      token = nextPageToken(r.headers);
      if (!token || body.length === 0) return ok(items);
    }
    return ok(items);
  }

  const anObject = <T>(v: unknown): v is T => isRecord(v);
  const redirect = (v: unknown): v is RedirectTo => isRecord(v) && typeof v.redirect_to === 'string';
  const client = (v: unknown): v is OAuth2Client => isRecord(v) && typeof v.client_id === 'string';
  const introspection = (v: unknown): v is IntrospectedToken => isRecord(v) && typeof v.active === 'boolean';

  const challengePath = (kind: 'login' | 'consent' | 'logout', action?: 'accept' | 'reject') =>
    `/admin/oauth2/auth/requests/${kind}${action ? `/${action}` : ''}`;
  const challengeQuery = (kind: 'login' | 'consent' | 'logout', challenge: string): Query => ({ [`${kind}_challenge`]: challenge });
  const clientPath = (id: string) => `/admin/clients/${encodeURIComponent(id)}`;
  // Ory Hydra has no approval state (a suspend there is refused, as a 409 page in the portal).
  const extension = options.lightgateExtension ?? true;
  const unavailable = async (what: string) =>
    err<HydraError>({ status: 501, error: EXTENSION_UNAVAILABLE, error_description: `The authorization server (Ory Hydra) does not offer ${what}` });

  return {
    getLoginRequest: (challenge) =>
      call({ method: 'GET', path: challengePath('login'), query: challengeQuery('login', challenge) }, anObject<LoginRequest>, 'login request'),
    acceptLoginRequest: (challenge, body) =>
      call({ method: 'PUT', path: challengePath('login', 'accept'), query: challengeQuery('login', challenge), json: body }, redirect, 'redirect'),
    rejectLoginRequest: (challenge, body) =>
      call({ method: 'PUT', path: challengePath('login', 'reject'), query: challengeQuery('login', challenge), json: body }, redirect, 'redirect'),

    getConsentRequest: async (challenge) =>
      mapOk(
        await call({ method: 'GET', path: challengePath('consent'), query: challengeQuery('consent', challenge) }, anObject<ConsentRequest>, 'consent request'),
        withRequestedDetails,
      ),
    acceptConsentRequest: (challenge, body) =>
      call({ method: 'PUT', path: challengePath('consent', 'accept'), query: challengeQuery('consent', challenge), json: body }, redirect, 'redirect'),
    rejectConsentRequest: (challenge, body) =>
      call({ method: 'PUT', path: challengePath('consent', 'reject'), query: challengeQuery('consent', challenge), json: body }, redirect, 'redirect'),

    getLogoutRequest: (challenge) =>
      call({ method: 'GET', path: challengePath('logout'), query: challengeQuery('logout', challenge) }, anObject<LogoutRequest>, 'logout request'),
    acceptLogoutRequest: (challenge) =>
      call({ method: 'PUT', path: challengePath('logout', 'accept'), query: challengeQuery('logout', challenge) }, redirect, 'redirect'),
    rejectLogoutRequest: (challenge) =>
      callVoid({ method: 'PUT', path: challengePath('logout', 'reject'), query: challengeQuery('logout', challenge) }),

    acceptUserCodeRequest: (challenge, body) =>
      call({ method: 'PUT', path: '/admin/oauth2/auth/requests/device/accept', query: { device_challenge: challenge }, json: body }, redirect, 'redirect'),

    listConsentSessions: async (subject) =>
      mapOk(await list('/admin/oauth2/auth/sessions/consent', { subject }, anObject<ConsentSession>, 'consent session'), (sessions) => sessions.map(withGrantedDetails)),
    revokeConsentSessions: (subject, clientId) =>
      callVoid({
        method: 'DELETE',
        path: '/admin/oauth2/auth/sessions/consent',
        query: clientId === undefined ? { subject, all: 'true' } : { subject, client: clientId },
      }),
    revokeLoginSessions: (subject) => callVoid({ method: 'DELETE', path: '/admin/oauth2/auth/sessions/login', query: { subject } }),

    introspect: async (token, scope) =>
      mapOk(await call({ method: 'POST', path: '/admin/oauth2/introspect', form: { token, scope } }, introspection, 'introspection'), withTokenDetails),
    revokeClientTokens: (clientId) => callVoid({ method: 'DELETE', path: '/admin/oauth2/tokens', query: { client_id: clientId } }),

    listClients: (filter = {}) =>
      list('/admin/clients', { owner: filter.owner, client_name: filter.client_name }, client, 'client'),
    getClient: (id) => call({ method: 'GET', path: clientPath(id) }, client, 'client'),
    createClient: (body) => call({ method: 'POST', path: '/admin/clients', json: body }, client, 'client'),
    replaceClient: (id, body) => call({ method: 'PUT', path: clientPath(id), json: { ...body, client_id: id } }, client, 'client'),
    deleteClient: (id) => callVoid({ method: 'DELETE', path: clientPath(id) }),
    deleteRotatedClientSecrets: async (id) => {
      const ended = await call({ method: 'DELETE', path: `${clientPath(id)}/secrets/rotate` }, client, 'client');
      if (ended.ok || ended.error.status !== 404) return ended;
      // Hydra before v25 has no such route and keeps no rotated secrets (its rotation is a PUT): nothing to
      // end, so the client as it is (and a 404 when there is no such client).
      return call({ method: 'GET', path: clientPath(id) }, client, 'client');
    },
    rotateClientSecret: async (id) => {
      const rotated = await call({ method: 'POST', path: `${clientPath(id)}/secrets/rotate` }, client, 'client');
      if (rotated.ok || rotated.error.status !== 404) return rotated;
      // Hydra before v25 has no rotate route: a 404 for a client that exists means the route is
      // missing, so set a fresh secret with PUT (the old one stops working at once).
      const current = await call({ method: 'GET', path: clientPath(id) }, client, 'client');
      if (!current.ok) return current;
      const secret = randomBytes(32).toString('base64url');
      const { created_at: _c, updated_at: _u, status: _s, ...rest } = current.value;
      const replaced = await call({ method: 'PUT', path: clientPath(id), json: { ...rest, client_secret: secret } }, client, 'client');
      return replaced.ok ? ok({ ...replaced.value, client_secret: secret }) : replaced;
    },

    // Lightgate's extension.
    setClientStatus: (id, status) =>
      extension ? call({ method: 'PUT', path: `${clientPath(id)}/status`, json: { status } }, client, 'client') : unavailable('an approval state'),
    listClientsPage: async ({ owner, client_name, limit, offset }) => {
      if (!extension) return unavailable('paged client lists by position');
      // Lightgate's page_token is the position, base64url-encoded (src/auth/http/admin-server.ts).
      const query = { owner, client_name, page_size: String(limit), page_token: offset > 0 ? Buffer.from(String(offset)).toString('base64url') : undefined };
      const r = await send({ method: 'GET', path: '/admin/clients', query });
      if (isError(r)) return err(r);
      const body = r.body ?? [];
      return Array.isArray(body) && body.every(client) ? ok(body) : err({ status: 502, error: 'invalid_response', error_description: 'Hydra admin API sent an unexpected client list' });
    },
  };
}
