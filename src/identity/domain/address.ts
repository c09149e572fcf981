// Sign-in addresses: e-mail (stored lower-cased) and phone numbers (E.164, ITU-T E.164: "+", country code, at most 15 digits).
import { err, ok, type Result } from '../../shared/result.ts';

export type Channel = 'email' | 'phone';
/** How a phone code travels (Blink's `channel`). */
export type PhoneChannel = 'sms' | 'whatsapp';

// Deliberately simple (no quoted local parts or IP literals): one @, a dotted domain, no spaces.
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function normalizeEmail(input: unknown): Result<string, 'invalid_email'> {
  if (typeof input !== 'string') return err('invalid_email');
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return err('invalid_email');
  return ok(email);
}

/** Accepts spaces, dots, dashes and brackets people type ("+1 (202) 555-0148"), returns E.164. */
export function normalizePhone(input: unknown): Result<string, 'invalid_phone'> {
  if (typeof input !== 'string') return err('invalid_phone');
  const phone = input.trim().replace(/[\s().-]/g, '');
  if (!E164.test(phone)) return err('invalid_phone');
  return ok(phone);
}

export function parsePhoneChannel(input: unknown): Result<PhoneChannel, 'invalid_channel'> {
  if (input === undefined || input === null || input === '') return ok('sms');
  if (typeof input !== 'string') return err('invalid_channel');
  const channel = input.toLowerCase();
  return channel === 'sms' || channel === 'whatsapp' ? ok(channel) : err('invalid_channel');
}

/** For screens: "a•••@example.com", "+1•••••0148". */
export function maskAddress(channel: Channel, address: string): string {
  if (channel === 'phone') return `${address.slice(0, 2)}${'•'.repeat(Math.max(0, address.length - 6))}${address.slice(-4)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
