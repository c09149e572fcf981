// Issue 19 #9, #10 and #16 against Lightgate's auth server (PGlite and PostgreSQL). #9 and #10 use the suite
// that also runs against a real Ory Hydra (test/hydra/session-rules.hydra-test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionRulesSuite } from '../hydra/session-rules-suite.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { authorizationUrl, createBrowser, leave, oidc, param, runFlow } from '../support/tokens.ts';
import { UNREACHABLE_UI } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { lightgateTarget } from './lightgate-target.ts';

for (const kind of DATABASE_KINDS) {
  sessionRulesSuite(`Lightgate on ${kind}`, lightgateTarget(kind));

  describe(`issue 19 #16: no session row before a login (${kind})`, () => {
    let s: TestStack;
    before(async () => {
      s = await startTestStack({ kind, env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl } });
    });
    after(async () => {
      await s?.close();
    });
    const sessions = async () => Number((await s.database.db.query<{ n: string }>(`SELECT count(*) AS n FROM oidc_payloads WHERE model = 'Session'`))[0]!.n);

    test('issue 19 #16: cookieless authorization requests store no session; the accepted login stores one, with the login request’s session_id as sid', async () => {
      const t = { kind: 'lightgate' as const, name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: s.urls.issuer, adminUrl: s.stack.listening.admin!, stop: async () => {} };
      const admin = adminApi(t);
      const rp = await relyingParty(t, await createClient(admin));
      const before = await sessions();
      for (let i = 0; i < 5; i++) {
        const auth = await authorizationUrl(rp);
        const res = await fetch(auth.url, { redirect: 'manual' });
        assert.equal(res.status, 303);
        assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith('lg_session=')).length, 0, 'no session cookie before a login');
      }
      // The login request still has a session_id (Hydra), and it is not stored.
      const b = createBrowser();
      const auth = await authorizationUrl(rp);
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge: param(await leave(b, t, auth.url), 'login_challenge') });
      assert.ok(login.session_id);
      assert.equal(await sessions(), before, 'no session row before any login');

      const flow = await runFlow(createBrowser(), t, admin, rp, { subject: 'row-user', scope: 'openid' });
      assert.equal(await sessions(), before + 1, 'one session row once a login is accepted');
      const tokens = await oidc.authorizationCodeGrant(rp, flow.callback, { pkceCodeVerifier: flow.auth.codeVerifier, expectedState: flow.auth.state, expectedNonce: flow.auth.nonce });
      const { data: first } = await admin.listOAuth2ConsentSessions({ subject: 'row-user' });
      assert.equal(tokens.claims()?.sid, first[0]?.consent_request?.login_session_id, 'the ID token’s sid is the login request’s session_id');
    });
  });
}
