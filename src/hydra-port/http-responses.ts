// Answers of Hydra's admin API as values: a non-2xx body (errorOAuth2, genericError or anything else) as a
// HydraError, and the next page of a list from the Link header.
import { parseAuthorizationDetails, type WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';
import type { ConsentRequest, ConsentSession, HydraError, IntrospectedToken } from './types.ts';

const STATUS_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'request_handled',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'temporarily_unavailable',
};

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Maps a non-2xx answer (errorOAuth2, genericError or anything else) to a HydraError value. */
export function toHydraError(status: number, body: unknown): HydraError {
  const fallback = STATUS_ERRORS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request');
  const out: HydraError = { status, error: fallback, error_description: `Hydra admin API answered HTTP ${status}` };
  if (isRecord(body)) {
    if (isRecord(body.error)) {
      // genericError: {error: {code, status, message, reason, ...}}
      const g = body.error;
      const name = str(g.status)?.toLowerCase().replace(/[^a-z0-9]+/g, '_');
      out.error = name ?? fallback;
      out.error_description = str(g.reason) ?? str(g.message) ?? out.error_description;
    } else {
      // errorOAuth2: {error, error_description, error_hint, status_code}
      out.error = str(body.error) ?? fallback;
      out.error_description = str(body.error_description) ?? str(body.error_hint) ?? str(body.message) ?? out.error_description;
    }
    if (status === 410 && str(body.redirect_to)) {
      out.redirect_to = body.redirect_to as string;
      if (!str(body.error)) out.error_description = 'The request has already been handled.';
    }
  } else if (typeof body === 'string' && body.trim() !== '') {
    out.error_description = body.trim().slice(0, 500);
  }
  return out;
}

/**
 * Issue 15 (RFC 9396): a Lightgate extension's authorization details, strictly parsed; [] when absent (a real
 * Hydra sends none) or unreadable, so a page never shows or compares a budget it could not read.
 */
export function authorizationDetailsOf(value: unknown): WalletSpendDetail[] {
  const parsed = parseAuthorizationDetails(value ?? []);
  return parsed.ok ? parsed.value : [];
}

export const withRequestedDetails = (r: ConsentRequest): ConsentRequest => ({ ...r, requested_authorization_details: authorizationDetailsOf(r.requested_authorization_details) });

export const withGrantedDetails = (s: ConsentSession): ConsentSession => ({
  ...s,
  consent_request: isRecord(s.consent_request) ? withRequestedDetails(s.consent_request) : s.consent_request,
  grant_authorization_details: authorizationDetailsOf(s.grant_authorization_details),
});

export function withTokenDetails(t: IntrospectedToken): IntrospectedToken {
  const { authorization_details: details, ...rest } = t;
  const parsed = authorizationDetailsOf(details);
  return parsed.length ? { ...rest, authorization_details: parsed } : rest;
}

/** rel="next" page token from Hydra's Link header (RFC 8288), if any. */
export function nextPageToken(headers: Headers): string | undefined {
  const link = headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m || !/rel="?next"?/.test(m[2] ?? '')) continue;
    try {
      return new URL(m[1] ?? '', 'http://x').searchParams.get('page_token') ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
