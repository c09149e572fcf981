// OAuth 2.0 clients in tests: registered through the admin API with @ory/hydra-client (as an operator or
// the login & consent app would), and a relying party for one of them with openid-client.
import assert from 'node:assert/strict';
import { Configuration as AdminConfiguration, OAuth2Api, type OAuth2Client } from '@ory/hydra-client';
import * as oidc from 'openid-client';
import { CALLBACK, type AuthTarget } from './auth-target.ts';

interface AxiosErrorLike extends Error {
  config?: { method?: string; url?: string };
  response?: { status: number; data: unknown };
}
interface AxiosLike {
  interceptors: { response: { use(ok: undefined, fail: (e: AxiosErrorLike) => unknown): void } };
}

export function adminApi(target: AuthTarget): OAuth2Api {
  const api = new OAuth2Api(new AdminConfiguration({ basePath: target.adminUrl }));
  // Failures name the call and carry the body, so a mismatch with Hydra reads at a glance.
  (api as unknown as { axios: AxiosLike }).axios.interceptors.response.use(undefined, (e: AxiosErrorLike) => {
    if (e.response) e.message = `${e.config?.method?.toUpperCase()} ${e.config?.url} -> ${e.response.status} ${JSON.stringify(e.response.data)}`;
    return Promise.reject(e);
  });
  return api;
}

export interface HttpFailure {
  status: number;
  body: Record<string, unknown>;
}

/** Awaits an admin call that must fail; returns its HTTP status and JSON body. */
export async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p;
  } catch (e) {
    const res = (e as { response?: { status: number; data: unknown } }).response;
    if (res) return { status: res.status, body: (res.data ?? {}) as Record<string, unknown> };
    throw e;
  }
  assert.fail('expected the admin call to fail');
}

export interface TestClient extends OAuth2Client {
  client_id: string;
  client_secret: string;
}

export async function createClient(admin: OAuth2Api, over: Partial<OAuth2Client> = {}): Promise<TestClient> {
  const { data } = await admin.createOAuth2Client({
    oAuth2Client: {
      client_name: 'suite app',
      redirect_uris: [CALLBACK],
      post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid offline_access read write',
      token_endpoint_auth_method: 'client_secret_basic',
      ...over,
    },
  });
  assert.ok(data.client_id && data.client_secret, 'created client has an id and a secret');
  return data as TestClient;
}

export async function relyingParty(target: Pick<AuthTarget, 'publicUrl'>, c: Pick<TestClient, 'client_id' | 'client_secret'>): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(target.publicUrl), c.client_id, undefined, oidc.ClientSecretBasic(c.client_secret), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** A client registered with plain JSON on a running process's admin API (POST /admin/clients), no SDK. */
export async function registerClient(adminBase: string, redirectUri: string, over: Record<string, unknown> = {}): Promise<{ client_id: string; client_secret: string }> {
  const res = await fetch(`${adminBase}/admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Production test app',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      scope: 'openid offline_access read write',
      token_endpoint_auth_method: 'client_secret_basic',
      ...over,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { client_id: string; client_secret: string };
}
