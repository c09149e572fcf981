// Two auth servers in one process (a test run, a benchmark, an embedding): each reads its own database. The
// client repository once lived in module state, set by the server built last, so the first server looked its
// clients up in the second's database and answered "We don't know this app".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CALLBACK, UNREACHABLE_UI } from '../hydra/support/target.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { createBrowser, param, runFlow } from '../support/tokens.ts';
import { lightgateTarget } from './lightgate-target.ts';

let first: AuthTarget;
let second: AuthTarget;
before(async () => {
  first = await lightgateTarget('pglite')(UNREACHABLE_UI);
  second = await lightgateTarget('pglite')(UNREACHABLE_UI);
});
after(async () => {
  await first?.stop();
  await second?.stop();
});

test('two auth servers in one process each find their own clients, and only theirs', async () => {
  for (const target of [first, second, first]) {
    const admin = adminApi(target);
    const client = await createClient(admin);
    const flow = await runFlow(createBrowser(), target, admin, await relyingParty(target, client));
    assert.ok(param(flow.callback, 'code'), target.name);
    // The other server has no such client: its authorization endpoint must not find it in this one's database.
    const other = target === second ? first : second;
    const res = await fetch(`${other.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: client.client_id!, response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, state: 'abcdefgh' })}`, { redirect: 'manual' });
    assert.notEqual(res.status, 303, 'the other server does not start a flow for a client it does not have');
  }
});
