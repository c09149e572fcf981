// RFC 6238 TOTP through the otpauth library; QR codes through qrcode.
import { Secret, TOTP } from 'otpauth';

export const TOTP_ISSUER = 'Lightgate';

const totpFor = (base32: string, label = 'account', issuer = TOTP_ISSUER) =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 });

/** A fresh 160-bit secret (RFC 4226 section 4 recommends 160 bits), base32. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/**
 * Checks a code against the step at `now` and its neighbours (clock drift). Returns the matched
 * time step, so the caller can refuse a step that was already used, or undefined.
 */
export function matchTotp(base32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const totp = totpFor(base32);
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return totp.counter({ timestamp: now.getTime() }) + delta;
}

/** The code an authenticator app shows at `now` (tests and tools). */
export const totpCodeAt = (base32: string, now: Date): string => totpFor(base32).generate({ timestamp: now.getTime() });

/** otpauth:// key URI (Google Authenticator key URI format) and the same as a QR code (SVG data URL). */
/** `issuer` names the service in the authenticator app: the operator's product name (BRAND_NAME, issue 17). */
export async function totpProvisioning(base32: string, label: string, issuer = TOTP_ISSUER): Promise<{ uri: string; qrSvgDataUrl: string }> {
  const uri = totpFor(base32, label, issuer).toString();
  const { default: QRCode } = await import('qrcode'); // at the first enrolment, not at start-up (issue 18)
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { uri, qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
