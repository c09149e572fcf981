// Issue 11 #4: wrong client secrets sent by someone else never lock a confidential client out.
// Failures are throttled per client and address; the right secret is always accepted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASE_KINDS } from '../support/databases.ts';
import { postForm } from '../support/http-from.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ATTACKER = '127.0.0.1';
const OTHER = '127.0.0.2';
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

for (const kind of DATABASE_KINDS) {
  describe(`client secret lock-out (${kind})`, () => {
    let t: TestStack;
    before(async () => {
      t = await startTestStack({ kind, env: { LIGHTGATE_SERVICES: 'auth', CLIENT_AUTH_MAX_FAILURES: '10', CLIENT_AUTH_WINDOW: '60s' } });
    });
    after(() => t?.close());

    test('issue 11 #4: wrong secrets from one address do not lock out the right secret', async () => {
      const created = await t.stack.admin!.createClient({ client_name: 'Victim app', grant_types: ['client_credentials'], response_types: [], scope: 'read', token_endpoint_auth_method: 'client_secret_basic' });
      assert.ok(created.ok && created.value.client_secret);
      const { client_id: id, client_secret: secret } = created.value;
      const token = (from: string, s: string) => postForm(from, `${t.urls.issuer}/oauth2/token`, { grant_type: 'client_credentials', scope: 'read' }, basic(id, s!));

      const wrong: { status: number; retryAfter: string | undefined }[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await token(ATTACKER, `wrong-${i}`);
        wrong.push({ status: res.status, retryAfter: res.headers['retry-after'] as string | undefined });
      }
      assert.deepEqual(wrong.map((w) => w.status), [...Array(10).fill(401), ...Array(10).fill(429)]);
      assert.ok(wrong.slice(10).every((w) => Number(w.retryAfter) > 0 && Number(w.retryAfter) <= 60), JSON.stringify(wrong.slice(10)));

      const same = await token(ATTACKER, secret!);
      assert.equal(same.status, 200, `the right secret from the same address: ${same.text}`);
      const other = await token(OTHER, secret!);
      assert.equal(other.status, 200, `the right secret from another address: ${other.text}`);
      assert.equal((await token(OTHER, 'wrong-from-elsewhere')).status, 401, 'failures are counted per address');
      const still = await token(ATTACKER, 'wrong-again');
      assert.equal(still.status, 429);
      assert.ok(Number(still.headers['retry-after']) > 0);
    });
  });
}
