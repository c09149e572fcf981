// Issue 19 #2: code requests and wrong codes sent for a victim's address from other network addresses
// must not stop the victim from getting a code and signing in from their own address.
// Real HTTP to the API's /auth/* endpoints; each client is a different loopback source address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASE_KINDS } from '../support/databases.ts';
import { postJson } from '../support/http-from.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { readOutbox, wrongCode } from '../support/users.ts';

const ATTACKER = '127.0.0.1';
const VICTIM = '127.0.0.2';

for (const kind of DATABASE_KINDS) {
  describe(`victim lock-out (${kind})`, () => {
    let t: TestStack;
    before(async () => {
      // Small identifier caps, so the test shows they cannot be turned against the victim.
      t = await startTestStack({ kind, env: { LIGHTGATE_SERVICES: 'auth,api', LOGIN_CODE_IDENTIFIER_LIMIT: '4' } });
    });
    after(() => t?.close());
    const api = (path: string) => `${t.urls.api}${path}`;
    const codesTo = (to: string) => readOutbox(t.dataDir).filter((m) => m.to === to);

    test('issue 19 #2: code requests for a victim from another address do not stop the victim getting a code', async () => {
      const email = `victim-${kind}@example.com`;
      const phone = kind === 'pglite' ? '+12025550101' : '+12025550102';
      const attacker: number[] = [];
      for (let i = 0; i < 12; i++) {
        attacker.push((await postJson(ATTACKER, api('/auth/email/code'), { email })).status);
        attacker.push((await postJson(ATTACKER, api('/auth/phone/code'), { phone, channel: 'SMS' })).status);
      }
      assert.ok(attacker.includes(429), `the attacker is throttled: ${attacker.join(',')}`);
      const before = codesTo(email).length;

      const asked = await postJson(VICTIM, api('/auth/email/code'), { email });
      assert.equal(asked.status, 200, asked.text);
      const mails = codesTo(email);
      assert.equal(mails.length, before + 1, 'the victim got a code');
      const login = await postJson(VICTIM, api('/auth/email/login'), { emailLoginId: asked.json<{ result: string }>().result, code: mails.at(-1)!.code });
      assert.equal(login.status, 200, login.text);

      const sms = await postJson(VICTIM, api('/auth/phone/code'), { phone, channel: 'SMS' });
      assert.equal(sms.status, 200, sms.text);
      const signedIn = await postJson(VICTIM, api('/auth/phone/login'), { phone, code: codesTo(phone).at(-1)!.code });
      assert.equal(signedIn.status, 200, signedIn.text);
    });

    test('issue 19 #2: wrong codes from an attacker do not stop the victim signing in from their own address', async () => {
      const phone = kind === 'pglite' ? '+12025550111' : '+12025550112';
      // The victim's live code dies after 5 wrong tries, whoever makes them (brute-force protection).
      assert.equal((await postJson(VICTIM, api('/auth/phone/code'), { phone })).status, 200);
      const first = codesTo(phone).at(-1)!.code;
      const attacker: { status: number; code: string }[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await postJson(ATTACKER, api('/auth/phone/login'), { phone, code: wrongCode(first) });
        attacker.push({ status: res.status, code: res.json<{ error: { code: string } }>().error.code });
      }
      assert.deepEqual(attacker.slice(0, 5).map((a) => a.code), ['code_invalid', 'code_invalid', 'code_invalid', 'code_invalid', 'code_invalid']);
      assert.ok(attacker.some((a) => a.status === 429), `the attacker's tries are throttled: ${attacker.map((a) => a.status).join(',')}`);
      const burnt = await postJson(VICTIM, api('/auth/phone/login'), { phone, code: first });
      assert.equal(burnt.json<{ error: { code: string } }>().error.code, 'code_expired', 'a code dies after 5 wrong tries');

      // The attacker keeps going for codes they cannot see; the victim asks again and signs in.
      for (let i = 0; i < 5; i++) await postJson(ATTACKER, api('/auth/phone/code'), { phone });
      for (let i = 0; i < 10; i++) await postJson(ATTACKER, api('/auth/phone/login'), { phone, code: '000000' });
      const again = await postJson(VICTIM, api('/auth/phone/code'), { phone });
      assert.equal(again.status, 200, again.text);
      const login = await postJson(VICTIM, api('/auth/phone/login'), { phone, code: codesTo(phone).at(-1)!.code });
      assert.equal(login.status, 200, login.text);
    });

    test('issue 19 #2: requests from many addresses hit the identifier cap, but not an address that signed in before', async () => {
      const email = `known-${kind}@example.com`;
      // The victim signed in before from their own address.
      const first = await postJson(VICTIM, api('/auth/email/code'), { email });
      assert.equal(first.status, 200);
      const ok = await postJson(VICTIM, api('/auth/email/login'), { emailLoginId: first.json<{ result: string }>().result, code: codesTo(email).at(-1)!.code });
      assert.equal(ok.status, 200, ok.text);
      // Many attacker addresses, each within its own limits, fill the identifier's cap (4 per hour here).
      const statuses: number[] = [];
      for (let i = 10; i < 20; i++) statuses.push((await postJson(`127.0.0.${i}`, api('/auth/email/code'), { email })).status);
      assert.ok(statuses.includes(429), `the identifier cap holds: ${statuses.join(',')}`);
      assert.ok(statuses.filter((s) => s === 200).length <= 4, statuses.join(','));
      const known = await postJson(VICTIM, api('/auth/email/code'), { email });
      assert.equal(known.status, 200, `an address that signed in as this person still gets a code: ${known.text}`);
    });
  });
}
