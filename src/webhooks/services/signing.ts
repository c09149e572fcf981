// Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature: v1 HMAC-SHA256),
// made by the `standardwebhooks` library; secrets in its whsec_<base64> format, 32 random bytes.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function signedHeaders(secret: string, messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
