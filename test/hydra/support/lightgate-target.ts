// Lightgate's own auth server as an AuthTarget: the composition root's stack with only the auth
// service, on a fresh PostgreSQL database, free ports, and the caller's login/consent/logout URLs.
import { startTestStack } from '../../support/stack.ts';
import type { TargetFactory } from './target.ts';

export const lightgateTarget: TargetFactory = async (ui) => {
  const s = await startTestStack({
    kind: 'postgres',
    env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: ui.loginUrl, URLS_CONSENT: ui.consentUrl, URLS_LOGOUT: ui.logoutUrl },
  });
  return {
    kind: 'lightgate',
    name: 'Lightgate',
    ...ui,
    publicUrl: s.urls.issuer,
    adminUrl: s.stack.listening.admin ?? s.urls.admin,
    stop: () => s.close(),
  };
};
