// Delivery of sign-in codes: a real SMTP server (smtp-server) receives what nodemailer sends; the
// development outbox gets one JSON line per message; production needs a real email transport.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config/config.ts';
import { createIdentityService } from '../../src/identity/identity-service.ts';
import { createMessageSender } from '../../src/identity/services/message-sender.ts';
import { createTestDatabase } from '../support/databases.ts';
import { testConfig } from '../support/config.ts';
import { readOutbox } from '../support/users.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

async function startSmtp(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('with SMTP_URL the code goes out by SMTP, and in development also to the outbox', async () => {
  const smtp = await startSmtp();
  const { db, drop } = await createTestDatabase('pglite');
  try {
    const config = testConfig({ SMTP_URL: smtp.url, SMTP_FROM: 'Lightgate <codes@lightgate.test>' });
    const identity = createIdentityService({ db, config, onUserCreated: async () => {} });
    assert.ok((await identity.requestEmailCode({ email: 'mail@example.com' })).ok);
    const [line] = readOutbox(config.dataDir);
    assert.deepEqual(Object.keys(line!).sort(), ['at', 'channel', 'code', 'subject', 'text', 'to']);
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.equal(mail!.from, 'codes@lightgate.test');
    assert.deepEqual(mail!.to, ['mail@example.com']);
    assert.match(mail!.data, new RegExp(`Subject: Your Lightgate sign-in code: ${line!.code}`));
    assert.ok(mail!.data.includes(line!.code));
  } finally {
    await drop();
    await smtp.close();
  }
});

test('issue 17: the code goes out in the language the request asked in (Spanish or English), the brand name as configured', async () => {
  const { db, drop } = await createTestDatabase('pglite');
  try {
    const config = testConfig({ BRAND_NAME: 'Cafetera' });
    const identity = createIdentityService({ db, config, onUserCreated: async () => {} });
    assert.ok((await identity.requestEmailCode({ email: 'es@example.com', locale: 'es' })).ok);
    const es = readOutbox(config.dataDir).at(-1)!;
    assert.equal(es.subject, `Tu código de inicio de sesión de Cafetera: ${es.code}`);
    assert.match(es.text, new RegExp(`^Tu código de inicio de sesión de Cafetera es ${es.code}\\. Sirve una vez, durante 10 minutos\\.`));
    assert.ok((await identity.requestEmailCode({ email: 'en@example.com', locale: 'xx' })).ok, 'an unknown locale is English, not an error');
    const en = readOutbox(config.dataDir).at(-1)!;
    assert.equal(en.subject, `Your Cafetera sign-in code: ${en.code}`);
    assert.ok((await identity.requestPhoneCode({ phone: '+12025550177', locale: 'es' })).ok);
    const sms = readOutbox(config.dataDir).at(-1)!;
    assert.match(sms.text, /^Tu código de inicio de sesión de Cafetera es \d{6}\./);
  } finally {
    await drop();
  }
});

test('production: e-mail only by SMTP (no outbox); phone codes without an SMS sender fail and never reach the outbox (issue 11 #5)', async () => {
  const smtp = await startSmtp();
  try {
    const dev = testConfig();
    const config = { ...dev, env: 'production' as const, smtp: { url: smtp.url, from: 'codes@lightgate.test' } };
    const sms: { to: string; code: string }[] = [];
    const sender = createMessageSender({ config });
    await sender.send({ channel: 'email', to: 'prod@example.com', subject: 's', text: 't 123456', code: '123456' });
    assert.equal(smtp.received.length, 1);
    assert.deepEqual(readOutbox(config.dataDir), []);
    await assert.rejects(sender.send({ channel: 'sms', to: '+12025550148', subject: 's', text: 't 654321', code: '654321' }), /no transport for sms/);
    assert.deepEqual(readOutbox(config.dataDir), []);

    const withSms = createMessageSender({ config, sms: { send: async (m) => void sms.push({ to: m.to, code: m.code }) } });
    await withSms.send({ channel: 'whatsapp', to: '+12025550149', subject: 's', text: 't 111111', code: '111111' });
    assert.deepEqual(sms, [{ to: '+12025550149', code: '111111' }]);
    assert.deepEqual(readOutbox(config.dataDir), [], 'not in the outbox in production');
  } finally {
    await smtp.close();
  }
});

test('a failing transport is a delivery_failed value, not a crash', async () => {
  const { db, drop } = await createTestDatabase('pglite');
  try {
    const config = testConfig();
    const identity = createIdentityService({
      db,
      config,
      onUserCreated: async () => {},
      sender: {
        send: async () => {
          throw new Error('connection refused');
        },
      },
    });
    assert.deepEqual(await identity.requestEmailCode({ email: 'down@example.com' }), { ok: false, error: { code: 'delivery_failed' } });
  } finally {
    await drop();
  }
});

test('production refuses to start the API or the login app without an email transport', () => {
  const base = { NODE_ENV: 'production', SECRETS_SYSTEM: 'production-system-secret-0123456789abcdef', SECRETS_COOKIE: 'production-cookie-secret-0123456789abcdef', URLS_SELF_ISSUER: 'https://auth.example' };
  for (const services of ['api', 'ui', 'auth,ui']) {
    assert.throws(() => loadConfig({ ...base, LIGHTGATE_SERVICES: services }), /SMTP_URL: required when NODE_ENV=production/, services);
  }
  assert.doesNotThrow(() => loadConfig({ ...base, LIGHTGATE_SERVICES: 'auth' }));
  assert.doesNotThrow(() => loadConfig({ ...base, LIGHTGATE_SERVICES: 'ui', SMTP_URL: 'smtp://mail.example:587' }));
});

test('issue 17: the codes people receive and the authenticator app carry the operator\'s product name (BRAND_NAME), not Lightgate', async () => {
  const { db, drop } = await createTestDatabase('pglite');
  try {
    const config = testConfig({ BRAND_NAME: 'Cafetera' });
    const identity = createIdentityService({ db, config, onUserCreated: async () => {} });
    const sent = await identity.requestEmailCode({ email: 'brand@example.com' });
    assert.ok(sent.ok);
    const line = readOutbox(config.dataDir).at(-1)!;
    assert.equal(line.subject, `Your Cafetera sign-in code: ${line.code}`);
    assert.match(line.text, /^Your Cafetera sign-in code is \d{6}\./);
    assert.doesNotMatch(`${line.subject} ${line.text}`, /Lightgate/);
    const login = await identity.loginWithEmail({ emailLoginId: sent.value.emailLoginId, code: line.code });
    assert.ok(login.ok);
    const enrollment = await identity.initiateTotp(login.value.userId);
    assert.ok(enrollment.ok);
    assert.match(enrollment.value.totpUri, /^otpauth:\/\/totp\/Cafetera:brand%40example\.com\?.*issuer=Cafetera/);
  } finally {
    await drop();
  }
});
