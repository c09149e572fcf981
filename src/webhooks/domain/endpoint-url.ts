// A callback endpoint's URL, checked before anything is stored: absolute https (http only to loopback
// when the deployment allows loopback, i.e. development), no credentials, no fragment, a bounded length,
// and a host that is not an IP literal in a refused range. Names are resolved and checked again at
// registration (services/safe-http.ts) and at every connection (DNS rebinding).
import { isIP } from 'node:net';
import { err, ok, type Result } from '../../shared/result.ts';
import { addressAllowed } from './address-ranges.ts';
import { webhookError, type WebhookError } from './errors.ts';

export const MAX_URL_LENGTH = 2048;

export interface UrlPolicy {
  /** Development: http://127.0.0.1 (and other loopback addresses) are allowed. */
  allowLoopback: boolean;
}

export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export function parseEndpointUrl(raw: string, policy: UrlPolicy): Result<URL, WebhookError> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return err(webhookError('INVALID_URL', `The URL must be 1 to ${MAX_URL_LENGTH} characters`));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(webhookError('INVALID_URL', 'The URL is not an absolute URL'));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return err(webhookError('INVALID_URL', 'The URL must be https'));
  if (url.username || url.password) return err(webhookError('INVALID_URL', 'The URL must not carry credentials'));
  if (url.hash) return err(webhookError('INVALID_URL', 'The URL must not have a fragment'));
  const host = hostOf(url);
  if (!host) return err(webhookError('INVALID_URL', 'The URL has no host'));
  const literal = isIP(host) !== 0;
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol === 'http:' && !(policy.allowLoopback && (loopbackName || (literal && addressAllowed(host, true) && !addressAllowed(host, false))))) {
    return err(webhookError('URL_NOT_ALLOWED', 'The URL must be https (http only to 127.0.0.1 in development)'));
  }
  if (loopbackName && !policy.allowLoopback) return err(webhookError('URL_NOT_ALLOWED', 'The URL points to this machine'));
  if (literal && !addressAllowed(host, policy.allowLoopback)) return err(webhookError('URL_NOT_ALLOWED', 'The URL points to a private, loopback, link-local or reserved address'));
  return ok(url);
}
