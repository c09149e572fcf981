// Issue 12: the token endpoint's refusals are mapped by error class in one place
// (src/auth/oidc/error-map.ts), not by matching message text across files. A code presented by several
// requests at once: exactly one gets tokens; every other one gets invalid_grant with Hydra's description,
// whichever check stopped it (oidc-provider's "already consumed" or "not found" once the replay revoked the
// grant, or the adapter's atomic consume for a request that lost the race), never oidc-provider's raw detail text and never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { CALLBACK, UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createBrowser, param, runFlow, tokenRequest } from '../support/tokens.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const AUTH_ONLY = { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl };
// A replay revokes the grant with its code (RFC 9700 section 4.14), so a later request may find no code, or
// find the code and then no grant.
const HYDRA_REUSE_DESCRIPTIONS = [
  'The authorization code has already been used.',
  'The authorization code or refresh token has already been used.',
  'The authorization code is invalid, expired or revoked.',
  'The authorization code or refresh token is invalid, expired or revoked.',
];

for (const kind of DATABASE_KINDS) {
  describe(`token endpoint errors by class (${kind})`, () => {
    let t: TestStack;
    let admin: OAuth2Api;
    let target: AuthTarget;
    before(async () => {
      t = await startTestStack({ kind, env: AUTH_ONLY });
      target = { kind: 'lightgate', name: 'grant errors', ...UNREACHABLE_UI, publicUrl: t.urls.issuer, adminUrl: t.stack.listening.admin!, stop: async () => {} };
      admin = adminApi(target);
    });
    after(() => t?.close());

    it('issue 12: a code redeemed by concurrent requests is spent once; the others get Hydra\'s invalid_grant description', async () => {
      for (let round = 0; round < 3; round++) {
        const client = await createClient(admin);
        const flow = await runFlow(createBrowser(), target, admin, await relyingParty(target, client), { subject: `race-${kind}-${round}` });
        const params = { grant_type: 'authorization_code', code: param(flow.callback, 'code'), redirect_uri: CALLBACK, code_verifier: flow.auth.codeVerifier };
        const answers = await Promise.all(Array.from({ length: 4 }, () => tokenRequest(target, client, params)));
        assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.status)));
        for (const refused of answers.filter((a) => a.status !== 200)) {
          assert.equal(refused.status, 400);
          assert.equal(refused.body.error, 'invalid_grant');
          assert.ok(HYDRA_REUSE_DESCRIPTIONS.includes(String(refused.body.error_description)), String(refused.body.error_description));
        }
      }
    });

    it('issue 12: a grant type the client may not use is unauthorized_client (RFC 6749 section 5.2)', async () => {
      const client = await createClient(admin);
      const answer = await tokenRequest(target, client, { grant_type: 'client_credentials' });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'unauthorized_client');
    });
  });
}
