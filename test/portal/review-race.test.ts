// Two admins approving (or suspending) the same application at once: one wins, one client is created.
// A developer's edit racing an approval (issue 11 #5): the client only ever carries what was reviewed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approveApplication } from '../../src/portal/app/review-application.ts';
import { editApplication } from '../../src/portal/app/edit-application.ts';
import { setApplicationSuspended } from '../../src/portal/app/suspend-application.ts';
import { submitApplication } from '../../src/portal/app/submit-application.ts';
import type { PortalContext } from '../../src/portal/app/context.ts';
import { createPortalSecretBox } from '../../src/portal/services/secret-box.ts';
import { findApplication, listAudit } from '../../src/portal/services/portal-store.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startPortalHarness, type PortalHarness } from './harness.ts';

for (const kind of DATABASE_KINDS) {
  describe(`concurrent admin actions on ${kind}`, () => {
    let h: PortalHarness;
    let ctx: PortalContext;
    before(async () => {
      h = await startPortalHarness({ kind });
      ctx = { config: h.t.config, db: h.t.stack.db, admin: h.t.stack.admin!, box: createPortalSecretBox(h.t.config.secrets.system) };
    });
    after(async () => {
      await h?.close();
    });

    test('approve twice at once: one approval, one client, one audit entry', async () => {
      const owner = await h.user('race-dev@example.com');
      const applied = await submitApplication(ctx, owner, { name: 'Race', purpose: 'p', website: 'https://race.example', scopes: 'read', redirect_uris: 'https://race.example/cb', auth_method: 'client_secret_basic' });
      assert.ok(applied.ok);
      const actors = [{ id: null, email: 'a@example.com' }, { id: null, email: 'b@example.com' }];
      const results = await Promise.all(actors.map((a) => approveApplication(ctx, a, applied.value.id, applied.value.version)));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal(results.filter((r) => !r.ok && r.error.code === 'INVALID_STATE').length, 1);
      const clients = await h.t.stack.admin!.listClients({ owner });
      assert.ok(clients.ok && clients.value.length === 1);

      const suspended = await Promise.all(actors.map((a) => setApplicationSuspended(ctx, a, applied.value.id, true)));
      assert.equal(suspended.filter((r) => r.ok).length, 1);
      const audit = (await listAudit(ctx.db, 50)).filter((e) => e.target === applied.value.id).map((e) => e.action);
      assert.deepEqual(audit, ['application.suspend', 'application.approve']);
    });

    test('issue 11 #5: an edit racing an approval: the client only ever gets the version the admin reviewed', async () => {
      const owner = await h.user('race-edit-dev@example.com');
      const reviewed = { name: 'Honest', purpose: 'p', website: 'https://honest.example', scopes: 'read', redirect_uris: 'https://honest.example/cb', auth_method: 'client_secret_basic' };
      for (let round = 0; round < 5; round++) {
        const applied = await submitApplication(ctx, owner, { ...reviewed, name: `Honest ${round}` });
        assert.ok(applied.ok);
        const [approved, edited] = await Promise.all([
          approveApplication(ctx, { id: null, email: 'a@example.com' }, applied.value.id, applied.value.version),
          editApplication(ctx, { id: owner, email: 'race-edit-dev@example.com' }, applied.value.id, { ...reviewed, name: 'Evil', redirect_uris: 'https://evil.example/cb' }),
        ]);
        assert.ok(approved.ok || approved.error.code === 'CHANGED', JSON.stringify(approved));
        assert.ok(edited.ok || edited.error.code === 'INVALID_STATE', JSON.stringify(edited));
        const app = await findApplication(ctx.db, applied.value.id);
        if (!app?.clientId) {
          assert.equal(approved.ok, false);
          continue;
        }
        const client = await h.t.stack.admin!.getClient(app.clientId);
        assert.ok(client.ok);
        assert.equal(client.value.client_name, `Honest ${round}`, 'the live client has the reviewed name');
        assert.deepEqual(client.value.redirect_uris, ['https://honest.example/cb'], 'and the reviewed callback');
      }
    });
  });
}
