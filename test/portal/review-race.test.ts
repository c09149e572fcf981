// Two admins approving (or suspending) the same application at once: one wins, one client is created.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approveApplication } from '../../src/portal/app/review-application.ts';
import { setApplicationSuspended } from '../../src/portal/app/suspend-application.ts';
import { submitApplication } from '../../src/portal/app/submit-application.ts';
import type { PortalContext } from '../../src/portal/app/context.ts';
import { createPortalSecretBox } from '../../src/portal/services/secret-box.ts';
import { listAudit } from '../../src/portal/services/portal-store.ts';
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
      const results = await Promise.all(actors.map((a) => approveApplication(ctx, a, applied.value.id)));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal(results.filter((r) => !r.ok && r.error.code === 'INVALID_STATE').length, 1);
      const clients = await h.t.stack.admin!.listClients({ owner });
      assert.ok(clients.ok && clients.value.length === 1);

      const suspended = await Promise.all(actors.map((a) => setApplicationSuspended(ctx, a, applied.value.id, true)));
      assert.equal(suspended.filter((r) => r.ok).length, 1);
      const audit = (await listAudit(ctx.db, 50)).filter((e) => e.target === applied.value.id).map((e) => e.action);
      assert.deepEqual(audit, ['application.suspend', 'application.approve']);
    });
  });
}
