// Lightgate's auth server as an AuthTarget of the Hydra compatibility suite (test/hydra/admin-api-suite.ts).
import type { TargetFactory } from '../support/auth-target.ts';
import type { DatabaseKind } from '../support/databases.ts';
import { startTestStack } from '../support/stack.ts';

export function lightgateTarget(kind: DatabaseKind, env: Record<string, string> = {}): TargetFactory {
  return async (ui) => {
    const t = await startTestStack({ kind, env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: ui.loginUrl, URLS_CONSENT: ui.consentUrl, URLS_LOGOUT: ui.logoutUrl, ...env } });
    return { kind: 'lightgate', name: `Lightgate on ${kind}`, ...ui, publicUrl: t.urls.issuer, adminUrl: t.stack.listening.admin!, stop: () => t.close() };
  };
}
