// An authorization server under test, seen from outside: its public (4444-like) and admin (4445-like)
// base URLs. The compatibility suite runs the same test bodies against a real Ory Hydra and against
// Lightgate's own auth server.
import { startHydra } from '../../../scripts/hydra/start.ts';

export interface UiUrls {
  /** Where the server sends the browser with ?login_challenge= (never fetched by the suite). */
  loginUrl: string;
  consentUrl: string;
  logoutUrl: string;
}

export interface AuthTarget extends UiUrls {
  /** 'hydra' or 'lightgate': for messages and for the few documented differences only. */
  kind: 'hydra' | 'lightgate';
  name: string;
  publicUrl: string;
  adminUrl: string;
  stop(): Promise<void>;
  /** What the server printed (a real Hydra's log), for failure messages. */
  output?: () => string;
}

export type TargetFactory = (ui: UiUrls) => Promise<AuthTarget>;

/** A real Ory Hydra v2 on a fresh PostgreSQL database (scripts/hydra/start.ts). */
export const hydraTarget: TargetFactory = (ui) => hydraTargetWith({})(ui);

/** Hydra with extra configuration (environment variables such as OAUTH2_HASHERS_BCRYPT_COST). */
export function hydraTargetWith(env: Record<string, string>, label = ''): TargetFactory {
  return async (ui) => {
    const h = await startHydra({ ...ui, env });
    return { kind: 'hydra', name: `Ory Hydra ${h.version}${label}`, ...ui, publicUrl: h.publicUrl, adminUrl: h.adminUrl, stop: h.stop, output: h.output };
  };
}

/** URLs on the discard port: the suite plays the login & consent app itself through the admin API. */
export const UNREACHABLE_UI: UiUrls = {
  loginUrl: 'http://127.0.0.1:9/login',
  consentUrl: 'http://127.0.0.1:9/consent',
  logoutUrl: 'http://127.0.0.1:9/logout',
};
export const CALLBACK = 'http://127.0.0.1:9/cb';
export const POST_LOGOUT = 'http://127.0.0.1:9/bye';
