// Issue 19 #7: the portal's back-channel logout endpoint (OIDC Back-Channel Logout 1.0 section 2.6) over
// HTTP on a whole stack. Only a logout token signed with the issuer's key, for the portal, recent,
// typed logout+jwt, with the back-channel event, a sid or sub and no nonce, ends portal sessions;
// anything else is a 400 and ends nothing. The issuer's signing key is read from the database to forge
// otherwise-valid tokens with one rule broken each.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { PORTAL_CLIENT_ID } from '../../src/portal/app/ensure-portal-client.ts';
import { loadSigningKeys } from '../../src/auth/oidc/signing-keys.ts';
import { hashToken } from '../../src/portal/routes/support.ts';
import { insertSession } from '../../src/portal/services/portal-store.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startPortalHarness, type PortalHarness } from './harness.ts';

const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

for (const kind of DATABASE_KINDS) describe(`portal back-channel logout endpoint (${kind})`, () => {
  let h: PortalHarness;
  let key: JWK;
  before(async () => {
    h = await startPortalHarness({ kind });
    key = (await loadSigningKeys(h.t.stack.db, h.t.config.secrets.system, 3600))[0]!;
  });
  after(async () => {
    await h?.close();
  });

  async function sign(claims: Record<string, unknown>, options: { typ?: string; iat?: number; signer?: 'issuer' | 'stranger' } = {}) {
    const stranger = options.signer === 'stranger' ? (await generateKeyPair('RS256')).privateKey : undefined;
    const jwt = new SignJWT({ iss: h.t.urls.issuer, aud: PORTAL_CLIENT_ID, jti: randomUUID(), events: EVENT, ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: options.typ ?? 'logout+jwt', kid: key.kid! })
      .setIssuedAt(options.iat);
    return jwt.sign(stranger ?? (await importJWK(key, 'RS256')));
  }
  const post = (logoutToken: string | undefined) =>
    fetch(`${h.t.urls.portal}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: logoutToken === undefined ? '' : new URLSearchParams({ logout_token: logoutToken }) });
  async function session(userId: string, sid: string) {
    await insertSession(h.t.stack.db, { tokenHash: hashToken(randomUUID()), userId, ttlSeconds: 3600, sid });
  }
  const count = async (userId: string) => Number((await h.t.stack.db.query<{ n: string | number }>('SELECT count(*) AS n FROM portal_sessions WHERE user_id = $1', [userId]))[0]!.n);

  test('issue 19 #7: a forged, misdirected, stale or ID-token-shaped logout token is refused (400) and ends nothing', async () => {
    await session('victim', 'sid-victim');
    const now = Math.floor(Date.now() / 1000);
    const bad: [string, string | undefined][] = [
      ['missing', undefined],
      ['not a JWT', 'abc.def'],
      ['signed by another key', await sign({ sub: 'victim', sid: 'sid-victim' }, { signer: 'stranger' })],
      ['for another client', await sign({ sub: 'victim', sid: 'sid-victim', aud: 'some-other-app' })],
      ['from another issuer', await sign({ sub: 'victim', sid: 'sid-victim', iss: 'https://evil.example' })],
      ['with a nonce', await sign({ sub: 'victim', sid: 'sid-victim', nonce: 'n' })],
      ['without the event', await sign({ sub: 'victim', sid: 'sid-victim', events: {} })],
      ['naming nobody', await sign({})],
      ['an ID token (typ JWT)', await sign({ sub: 'victim', sid: 'sid-victim' }, { typ: 'JWT' })],
      ['issued an hour ago', await sign({ sub: 'victim', sid: 'sid-victim' }, { iat: now - 3600 })],
    ];
    for (const [what, token] of bad) {
      const res = await post(token);
      assert.equal(res.status, 400, what);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request', what);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    assert.equal(await count('victim'), 1, 'no session ended');
  });

  test('issue 19 #7: a valid logout token ends the portal sessions of its sid (or of its subject when it names no sid)', async () => {
    await session('alice', 'sid-a1');
    await session('alice', 'sid-a1');
    await session('alice', 'sid-a2');
    const bySid = await post(await sign({ sub: 'alice', sid: 'sid-a1' }));
    assert.equal(bySid.status, 200);
    assert.equal(bySid.headers.get('cache-control'), 'no-store');
    assert.equal(await count('alice'), 1, 'the other sign-in session of alice stays');
    assert.equal((await post(await sign({ sub: 'alice' }))).status, 200);
    assert.equal(await count('alice'), 0);
  });
});
