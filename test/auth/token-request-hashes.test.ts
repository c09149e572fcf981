// Issue 18: a code exchange or a refresh makes the keyed-hash ids of its code or refresh token once (token-ids.ts
// requestCandidates), though three steps look them up: the read ahead with the rate-limit count, oidc-provider's
// find and the spend. With one system secret: that one HMAC and one for each new token (access, refresh). The
// Grant and consent claims read with the token are kept as read (grant-prefetch.ts), copied only when handed out.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { createBrowser, exchange, runFlow, tokenRequest } from '../support/tokens.ts';

describe('token request HMACs (pglite)', () => {
  let running: WrappedAuthStack | undefined;
  let target: AuthTarget;
  const createHmac = crypto.createHmac;
  const clone = globalThis.structuredClone;
  let made = 0;
  let copies = 0;
  before(async () => {
    running = await startWrappedAuthStack('pglite', (db) => db);
    ({ target } = running);
    // The stack runs in this process: every createHmac, as token-ids.ts imports it.
    crypto.createHmac = ((...args: Parameters<typeof createHmac>) => (made++, createHmac(...args))) as typeof createHmac;
    syncBuiltinESMExports();
    globalThis.structuredClone = ((...args: Parameters<typeof clone>) => (copies++, clone(...args))) as typeof clone;
  });
  after(async () => {
    globalThis.structuredClone = clone;
    crypto.createHmac = createHmac;
    syncBuiltinESMExports();
    await running?.close();
  });

  test('a code exchange and a refresh: the presented value hashed once, then each new token', async () => {
    const admin = adminApi(target);
    const client = await createClient(admin);
    const rp = await relyingParty(target, client);
    const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'token-hmacs' });
    made = copies = 0;
    const exchanged = await exchange(rp, flow);
    assert.ok(exchanged.refresh_token);
    assert.equal(made, 3, 'code exchange: the code, the access token, the refresh token');
    assert.equal(copies, 2, 'code exchange: the Grant and the claims, copied once each (known-rows.ts knownRow)');
    made = copies = 0;
    const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(made, 3, 'refresh: the refresh token, the new access and refresh tokens');
    assert.equal(copies, 2, 'refresh: the Grant and the claims, copied once each');
    // Spent once: the old refresh token is refused.
    const again = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    assert.equal(again.body.error, 'invalid_grant');
  });
});
