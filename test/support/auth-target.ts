// An authorization server under test, seen from outside: its public (4444-like) and admin (4445-like)
// base URLs. The Hydra compatibility suite runs the same test bodies against a real Ory Hydra
// (test/hydra/support/target.ts) and against Lightgate's own auth server.

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

/** URLs on the discard port: the suite plays the login & consent app itself through the admin API. */
export const UNREACHABLE_UI: UiUrls = {
  loginUrl: 'http://127.0.0.1:9/login',
  consentUrl: 'http://127.0.0.1:9/consent',
  logoutUrl: 'http://127.0.0.1:9/logout',
};
export const CALLBACK = 'http://127.0.0.1:9/cb';
export const POST_LOGOUT = 'http://127.0.0.1:9/bye';
