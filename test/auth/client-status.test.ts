// Issue 11 #5 (client status): moving a client away from `active` (to pending or suspended) and back must
// not bring its old tokens back to life. Over HTTP: Lightgate's PUT /admin/clients/{id}/status extension,
// Hydra's introspection and token endpoints, a whole authorization code flow before and after.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { createBrowser, exchange, introspect, runFlow, tokenRequest } from '../support/tokens.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { lightgateTarget } from './lightgate-target.ts';

for (const kind of DATABASE_KINDS) {
  describe(`client status and old tokens (${kind})`, () => {
    let target: AuthTarget;
    before(async () => {
      target = await lightgateTarget(kind)(UNREACHABLE_UI);
    });
    after(async () => {
      await target?.stop();
    });

    const setStatus = async (id: string, status: string) => {
      const res = await fetch(`${target.adminUrl}/admin/clients/${encodeURIComponent(id)}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { status: string };
    };

    for (const away of ['suspended', 'pending'] as const) {
      test(`issue 11 #5: active → ${away} → active leaves the old access and refresh tokens dead; a new flow works`, async () => {
        const admin = adminApi(target);
        const client = await createClient(admin);
        const rp = await relyingParty(target, client);
        const tokens = await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: `status-${away}` }));
        assert.ok(tokens.access_token && tokens.refresh_token);
        assert.equal((await introspect(admin, tokens.access_token)).active, true, 'the token works first');

        assert.equal((await setStatus(client.client_id, away)).status, away);
        assert.equal((await introspect(admin, tokens.access_token)).active, false, `refused while ${away}`);
        assert.equal((await setStatus(client.client_id, 'active')).status, 'active');

        assert.equal((await introspect(admin, tokens.access_token)).active, false, 'the old access token stays dead after reactivation');
        assert.equal((await introspect(admin, tokens.refresh_token)).active, false, 'the old refresh token stays dead after reactivation');
        const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
        assert.equal(refreshed.status, 400);
        assert.equal(refreshed.body.error, 'invalid_grant');

        const fresh = await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: `status-${away}` }));
        assert.equal((await introspect(admin, fresh.access_token)).active, true, 'a new flow after reactivation works');
      });
    }

    test('issue 11 #5: tokens issued while the client is being suspended do not come back with reactivation', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      let refresh = (await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: 'status-race' }))).refresh_token!;
      for (let round = 0; round < 15; round++) {
        // A refresh and a suspension at the same moment: whichever wins, no token may outlive the suspension.
        const [refreshed] = await Promise.all([
          tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: refresh }),
          new Promise((resolve) => setTimeout(resolve, round % 5)).then(() => setStatus(client.client_id, 'suspended')),
        ]);
        await setStatus(client.client_id, 'active');
        for (const token of [refreshed.body.access_token, refreshed.body.refresh_token]) {
          if (typeof token === 'string') assert.equal((await introspect(admin, token)).active, false, `round ${round}: a token issued during the suspension is dead`);
        }
        refresh = (await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: 'status-race' }))).refresh_token!;
      }
    });

    test('issue 11 #5: a replace (PUT /admin/clients/{id}) that sets status pending also ends the tokens', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const tokens = await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: 'status-replace' }));
      const current = await (await fetch(`${target.adminUrl}/admin/clients/${client.client_id}`)).json();
      for (const status of ['pending', 'active']) {
        const res = await fetch(`${target.adminUrl}/admin/clients/${client.client_id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...current, status }) });
        assert.equal(res.status, 200, await res.clone().text());
      }
      assert.equal((await introspect(admin, tokens.access_token)).active, false);
      assert.equal((await introspect(admin, tokens.refresh_token!)).active, false);
    });
  });
}
