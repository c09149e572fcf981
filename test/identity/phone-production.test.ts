// Issue 11 #5 (phone codes in production): without an SMS sender a production deployment must not
// offer phone sign-in (the codes would only land in the outbox). It says so at start, /auth/phone/code
// answers a clear error, and the login page has no phone option. With SMS_WEBHOOK_URL the codes go out.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLightgate, type LightgateProcess } from '../production/support/lightgate-process.ts';
import { registerClient } from '../support/clients.ts';
import { authorizeUrl, pkce } from '../support/ui-sign-in.ts';

const CALLBACK = 'http://127.0.0.1:9/cb';
const PRODUCTION = {
  NODE_ENV: 'production',
  LIGHTGATE_SERVICES: 'auth,api,ui',
  // An http issuer: TLS ends at a proxy in front (issue 19 #14); cookies stay Secure and :4444 still sets them.
  TLS_TERMINATED_AT_PROXY: 'true',
  // Never reached: these tests send no e-mail.
  SMTP_URL: 'smtp://127.0.0.1:9',
};

async function loginPage(p: LightgateProcess, method?: string): Promise<string> {
  const client = await registerClient(p.urls.admin, CALLBACK);
  const res = await fetch(authorizeUrl(p.urls.public, client.client_id, CALLBACK, 'openid read', pkce()), { redirect: 'manual' });
  assert.equal(res.status, 303, await res.clone().text());
  assert.match(res.headers.get('set-cookie') ?? '', /; secure/i, 'issue 19 #14: Secure cookies behind a TLS proxy');
  const location = new URL(res.headers.get('location')!, p.urls.public);
  const challenge = location.searchParams.get('login_challenge')!;
  assert.ok(challenge, `redirected to the login app: ${location.href}`);
  const page = await fetch(`${p.urls.ui}/login?login_challenge=${encodeURIComponent(challenge)}${method ? `&method=${method}` : ''}`);
  assert.equal(page.status, 200);
  return page.text();
}

const phoneCode = (p: LightgateProcess, phone: string) =>
  fetch(`${p.urls.api}/auth/phone/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });

test('issue 11 #5: production without an SMS sender warns at start, refuses phone codes and hides the phone option', { timeout: 90_000 }, async () => {
  const p = await startLightgate({ env: PRODUCTION });
  try {
    assert.ok(
      p.logs.some((l) => l.includes('phone sign-in is off') && l.includes('SMS_WEBHOOK_URL')),
      `a warning at start:\n${p.logs.join('\n')}`,
    );
    const res = await phoneCode(p, '+12025550148');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'phone_unavailable');
    assert.match(body.error.message, /phone/i);
    assert.ok(!existsSync(join(p.dataDir, 'outbox.jsonl')), 'no code in the outbox');
    const login = await fetch(`${p.urls.api}/auth/phone/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: '+12025550148', code: '000000' }) });
    assert.equal(((await login.json()) as { error: { code: string } }).error.code, 'phone_unavailable');

    const page = await loginPage(p);
    assert.ok(!page.includes('method=phone'), 'no phone tab');
    const asked = await loginPage(p, 'phone');
    assert.ok(!asked.includes('type="tel"'), 'no phone field when asked for it');
    assert.match(asked, /type="email"/);
    assert.match(asked, /Sign-in by phone is not available/);
  } finally {
    await p.stop();
  }
});

test('issue 11 #5: production with SMS_WEBHOOK_URL sends phone codes to the webhook and offers the phone option', { timeout: 90_000 }, async () => {
  const received: { body: Record<string, unknown>; authorization: string | undefined }[] = [];
  const hook = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ body: JSON.parse(data) as Record<string, unknown>, authorization: req.headers.authorization });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/sms`;
  const p = await startLightgate({ env: { ...PRODUCTION, SMS_WEBHOOK_URL: url, SMS_WEBHOOK_TOKEN: 'sms-hook-token-1234567890' } });
  try {
    assert.ok(!p.logs.some((l) => l.includes('phone sign-in is off')));
    const res = await phoneCode(p, '+12025550149');
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(received.length, 1);
    assert.equal(received[0]!.body.to, '+12025550149');
    assert.equal(received[0]!.body.channel, 'sms');
    assert.match(String(received[0]!.body.text), /\d{6}/);
    assert.equal(received[0]!.authorization, 'Bearer sms-hook-token-1234567890');
    assert.ok(!existsSync(join(p.dataDir, 'outbox.jsonl')) || !readFileSync(join(p.dataDir, 'outbox.jsonl'), 'utf8').includes('+12025550149'), 'production writes no outbox');
    assert.ok((await loginPage(p)).includes('method=phone'), 'the phone tab is there');
  } finally {
    await p.stop();
    hook.close();
  }
});
