// Delivery of one-time codes. Development and test: every message is logged and appended as one JSON
// line to <data dir>/outbox.jsonl. E-mail goes through SMTP (nodemailer) when SMTP_URL is set; SMS and
// WhatsApp go through a pluggable sender.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Config } from '../../config/config.ts';
import { preparePrivateDir, PRIVATE_FILE_MODE } from '../../config/data-dir.ts';
import type { Logger } from '../../shared/logger.ts';

export type MessageChannel = 'email' | 'sms' | 'whatsapp';

export interface OutgoingMessage {
  channel: MessageChannel;
  to: string;
  subject: string;
  text: string;
  code: string;
}

export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

export const outboxPath = (dataDir: string): string => join(dataDir, 'outbox.jsonl');

export function createOutboxSender(dataDir: string, logger?: Logger): MessageSender {
  const file = outboxPath(dataDir);
  let ready = false;
  return {
    async send(message) {
      // Live codes: a private directory and a 0600 file, also when an older version left it 0644 (issue 19 #4).
      if (!ready) preparePrivateDir(dataDir);
      const line = { channel: message.channel, to: message.to, subject: message.subject, text: message.text, code: message.code, at: new Date().toISOString() };
      const handle = await open(file, 'a', PRIVATE_FILE_MODE);
      try {
        if (!ready && ((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(PRIVATE_FILE_MODE);
        ready = true;
        // One write per line: whole lines even with concurrent senders (O_APPEND).
        await handle.appendFile(`${JSON.stringify(line)}\n`);
      } finally {
        await handle.close();
      }
      // The code stays in the outbox file: codes never reach the logs.
      logger?.info({ channel: message.channel, to: message.to, outbox: file }, 'message written to the outbox');
    },
  };
}

export function createSmtpSender(url: string, from: string): MessageSender & { close(): void } {
  // nodemailer is loaded at the first message, not at start-up (issue 18).
  let transport: Promise<Transporter> | undefined;
  return {
    async send(message) {
      transport ??= import('nodemailer').then((m) => m.default.createTransport(url));
      await (await transport).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => void transport?.then((t) => t.close()),
  };
}

/**
 * Phone codes through an HTTP hook (SMS_WEBHOOK_URL): POST {channel, to, text} as JSON, with
 * `Authorization: Bearer SMS_WEBHOOK_TOKEN` when set. Any answer but 2xx is a failed delivery.
 */
export function createWebhookSmsSender(url: string, token?: string, timeoutMs = 10_000): MessageSender {
  return {
    async send(message) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ channel: message.channel, to: message.to, text: message.text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the SMS webhook answered HTTP ${res.status}`);
    },
  };
}

/** The SMS sender the configuration names, if any. */
export function configuredSmsSender(config: Pick<Config, 'sms'>): MessageSender | undefined {
  return config.sms.webhookUrl ? createWebhookSmsSender(config.sms.webhookUrl, config.sms.webhookToken) : undefined;
}

/**
 * The default sender: SMTP for e-mail when configured; `sms` for phone channels when given; the outbox
 * for everything outside production. Production never writes codes to the outbox: a channel without a
 * transport fails (issue 11 #5; the identity service does not even offer phone sign-in then).
 */
export function createMessageSender(options: { config: Pick<Config, 'env' | 'dataDir' | 'smtp'>; logger?: Logger; sms?: MessageSender | undefined }): MessageSender {
  const { config, logger, sms } = options;
  const outbox = createOutboxSender(config.dataDir, logger);
  const smtp = config.smtp.url ? createSmtpSender(config.smtp.url, config.smtp.from) : undefined;
  return {
    async send(message) {
      const real = message.channel === 'email' ? smtp : sms;
      if (config.env === 'production' && !real) throw new Error(`no transport for ${message.channel} messages in production`);
      if (config.env !== 'production') await outbox.send(message);
      if (real) await real.send(message);
    },
  };
}
