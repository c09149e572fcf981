// An OAuth2 app application: what a developer asks for, its review states, and the client it becomes.
// Pure: validation returns field errors, the client body is built from the application alone.
import { ALL_SCOPES, isScope, type Scope } from '../../api/scopes.ts';
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { isWithin, parseSpendDetail, type WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

export type ApplicationStatus = 'pending' | 'approved' | 'rejected' | 'suspended';
export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export const AUTH_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

export interface ApplicationDetails {
  name: string;
  purpose: string;
  website: string;
  logoUri: string;
  policyUri: string;
  tosUri: string;
  scopes: Scope[];
  redirectUris: string[];
  authMethod: AuthMethod;
  /** Issue 16: the client's access tokens are all DPoP-bound (RFC 9449 dpop_bound_access_tokens). */
  dpopBound: boolean;
  /** Issue 15: the budget of a `write` grant that asks none, and the most the app may ask (wallet_spend, RFC 9396). */
  spendBudgetDefault?: WalletSpendDetail | null;
  spendBudgetMax?: WalletSpendDetail | null;
}

export interface Application extends ApplicationDetails {
  id: string;
  ownerId: string;
  status: ApplicationStatus;
  clientId: string | null;
  /** What the live client carries: the details an admin approved last (null before the first approval). */
  approved: ApplicationDetails | null;
  /** Bumped by every change; an admin's approval names the version they reviewed. */
  version: number;
  rejectionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type FieldName = 'name' | 'purpose' | 'website' | 'logo_uri' | 'policy_uri' | 'tos_uri' | 'scopes' | 'redirect_uris' | 'auth_method' | 'spend_budget_default' | 'spend_budget_max';
/** What is wrong with a field, without words (the page says it in the person's language, issue 17). */
export type ProblemCode =
  | 'tooLong' | 'notUrl' | 'userinfo' | 'httpsOrLoopback' | 'https' | 'fragment' | 'nameMissing' | 'nameControl' | 'purposeMissing' | 'websiteMissing'
  | 'scopesUnknown' | 'scopesNone' | 'redirectMissing' | 'redirectTooMany' | 'redirectSpaces' | 'authMethodMissing' | 'authMethodLocked'
  | 'keyNameMissing' | 'daysRange' | 'expiryMissing' | 'budgetInvalid' | 'budgetAboveMax';
export interface Problem {
  readonly code: ProblemCode;
  /** The offending value (a callback URL), shown whole. */
  readonly value?: string;
  readonly limit?: number;
  /** Its line among several callback URLs. */
  readonly line?: number;
}
export type FieldErrors = Partial<Record<FieldName, readonly Problem[]>>;

export const LIMITS = { name: 80, purpose: 2000, url: 2048, redirectUris: 10 } as const;
/** Scopes every portal client gets besides the wallet scopes asked for: OIDC sign-in and refresh tokens. */
export const IDENTITY_SCOPES = ['openid', 'offline_access'] as const;

const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '').trim();
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute http(s) URL without credentials or fragment; http only when `allowHttp`. */
function urlProblem(value: string, { httpOnLoopback }: { httpOnLoopback: boolean }): ProblemCode | undefined {
  if (value.length > LIMITS.url) return 'tooLong';
  const url = URL.parse(value);
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) return 'notUrl';
  if (url.username || url.password) return 'userinfo';
  if (url.protocol === 'http:' && !(httpOnLoopback && LOOPBACK.has(url.hostname))) return httpOnLoopback ? 'httpsOrLoopback' : 'https';
  return undefined;
}

const one = (code: ProblemCode | undefined, extra: Omit<Problem, 'code'> = {}): readonly Problem[] | undefined => (code ? [{ code, ...extra, ...(code === 'tooLong' ? { limit: LIMITS.url } : {}) }] : undefined);

/** Callback URLs: https, or http on localhost/127.0.0.1 (RFC 8252 section 8.3); no fragment (RFC 6749 section 3.1.2). */
export function redirectUriProblem(value: string): Problem | undefined {
  if (value.includes('#')) return { code: 'fragment', value };
  const code = urlProblem(value, { httpOnLoopback: true });
  return code && { code, value, ...(code === 'tooLong' ? { limit: LIMITS.url } : {}) };
}

/** An optional budget field: empty is none; else one wallet_spend detail as JSON (the shared strict parser). */
function budgetField(raw: string): Result<WalletSpendDetail | null, ProblemCode> {
  if (!raw) return ok(null);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err('budgetInvalid');
  }
  const parsed = parseSpendDetail(json);
  return parsed.ok ? parsed : err('budgetInvalid');
}

/** Parses and checks the application form. Errors are keyed by field so the page can show each next to its input. */
export function parseApplicationForm(form: Record<string, unknown>): Result<ApplicationDetails, { errors: FieldErrors; values: Record<string, string> }> {
  const errors: FieldErrors = {};
  const name = text(form.name);
  const purpose = text(form.purpose);
  const website = text(form.website);
  const logoUri = text(form.logo_uri);
  const policyUri = text(form.policy_uri);
  const tosUri = text(form.tos_uri);
  const rawScopes = list(form.scopes);
  const redirectText = text(Array.isArray(form.redirect_uris) ? form.redirect_uris.join('\n') : form.redirect_uris);
  const authMethod = text(form.auth_method);
  const dpopBound = text(form.dpop_bound) === 'on';
  const budgetDefaultText = text(form.spend_budget_default);
  const budgetMaxText = text(form.spend_budget_max);
  const budgetDefault = budgetField(budgetDefaultText);
  const budgetMax = budgetField(budgetMaxText);

  if (!name) errors.name = one('nameMissing');
  else if (name.length > LIMITS.name) errors.name = [{ code: 'tooLong', limit: LIMITS.name }];
  else if (/[\u0000-\u001f\u007f]/.test(name)) errors.name = one('nameControl');
  if (!purpose) errors.purpose = one('purposeMissing');
  else if (purpose.length > LIMITS.purpose) errors.purpose = [{ code: 'tooLong', limit: LIMITS.purpose }];
  if (!website) errors.website = one('websiteMissing');
  else errors.website = one(urlProblem(website, { httpOnLoopback: false }));
  if (logoUri) errors.logo_uri = one(urlProblem(logoUri, { httpOnLoopback: false }));
  if (policyUri) errors.policy_uri = one(urlProblem(policyUri, { httpOnLoopback: false }));
  if (tosUri) errors.tos_uri = one(urlProblem(tosUri, { httpOnLoopback: false }));

  const scopes = ALL_SCOPES.filter((s) => rawScopes.includes(s));
  if (rawScopes.some((s) => !isScope(s))) errors.scopes = one('scopesUnknown');
  else if (scopes.length === 0) errors.scopes = one('scopesNone');

  // One callback URL per line (issue 17 #6): every bad line is named, whole, with its number when there are several.
  const lines = redirectText.split(/\r?\n/).map((line, i) => ({ line: line.trim(), number: i + 1 })).filter((l) => l.line);
  const redirectUris = [...new Set(lines.map((l) => l.line))];
  if (redirectUris.length === 0) errors.redirect_uris = one('redirectMissing');
  else if (redirectUris.length > LIMITS.redirectUris) errors.redirect_uris = [{ code: 'redirectTooMany', limit: LIMITS.redirectUris }];
  else {
    const bad = lines.flatMap((l): Problem[] => {
      const problem: Problem | undefined = /\s/.test(l.line) ? { code: 'redirectSpaces', value: l.line } : redirectUriProblem(l.line);
      return problem ? [lines.length > 1 ? { ...problem, line: l.number } : problem] : [];
    });
    if (bad.length) errors.redirect_uris = bad;
  }

  if (!(AUTH_METHODS as readonly string[]).includes(authMethod)) errors.auth_method = one('authMethodMissing');
  if (!budgetDefault.ok) errors.spend_budget_default = one(budgetDefault.error);
  if (!budgetMax.ok) errors.spend_budget_max = one(budgetMax.error);
  if (budgetDefault.ok && budgetMax.ok && budgetDefault.value && budgetMax.value && !isWithin(budgetDefault.value, budgetMax.value)) errors.spend_budget_default = one('budgetAboveMax');

  for (const k of Object.keys(errors) as FieldName[]) if (errors[k] === undefined) delete errors[k];
  if (Object.keys(errors).length > 0) {
    return err({ errors, values: { name, purpose, website, logo_uri: logoUri, policy_uri: policyUri, tos_uri: tosUri, scopes: rawScopes.join(' '), redirect_uris: redirectText, auth_method: authMethod, dpop_bound: dpopBound ? 'on' : '', spend_budget_default: budgetDefaultText, spend_budget_max: budgetMaxText } });
  }
  const spendBudgetDefault = budgetDefault.ok ? budgetDefault.value : null;
  const spendBudgetMax = budgetMax.ok ? budgetMax.value : null;
  return ok({ name, purpose, website, logoUri, policyUri, tosUri, scopes, redirectUris, authMethod: authMethod as AuthMethod, dpopBound, spendBudgetDefault, spendBudgetMax });
}

/** The Hydra-style client an approved application becomes: exactly its fields, owned by the developer. */
export function toClientBody(app: Pick<Application, 'id' | 'ownerId'> & ApplicationDetails, scopes: readonly Scope[] = app.scopes): Partial<OAuth2Client> {
  return {
    client_name: app.name,
    client_uri: app.website,
    logo_uri: app.logoUri,
    policy_uri: app.policyUri,
    tos_uri: app.tosUri,
    redirect_uris: app.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: [...IDENTITY_SCOPES, ...ALL_SCOPES.filter((s) => scopes.includes(s))].join(' '),
    token_endpoint_auth_method: app.authMethod,
    dpop_bound_access_tokens: app.dpopBound === true,
    spend_budget_default: app.spendBudgetDefault ?? null,
    spend_budget_max: app.spendBudgetMax ?? null,
    skip_consent: false,
    owner: app.ownerId,
    metadata: { portal_application_id: app.id, purpose: app.purpose },
  };
}

export const DETAIL_FIELDS = ['name', 'purpose', 'website', 'logoUri', 'policyUri', 'tosUri', 'scopes', 'redirectUris', 'authMethod', 'dpopBound', 'spendBudgetDefault', 'spendBudgetMax'] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

export const detailsOf = (a: ApplicationDetails): ApplicationDetails => Object.fromEntries(DETAIL_FIELDS.map((f) => [f, a[f]])) as unknown as ApplicationDetails;

// Details approved before dpopBound existed lack it: absent is false (and an absent budget, issue 15, is none).
const comparable = (v: string | boolean | readonly string[] | WalletSpendDetail | null | undefined): string =>
  Array.isArray(v) ? JSON.stringify([...v].sort()) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? false);

/** The fields whose values differ (lists compared as sets). */
export const changedFields = (from: ApplicationDetails, to: ApplicationDetails): DetailField[] => DETAIL_FIELDS.filter((f) => comparable(from[f]) !== comparable(to[f]));

/**
 * What may go live without review when a developer edits an approved app: only less (fewer scopes, fewer
 * callback URLs). Everything else the consent screen shows or the client may do waits for an admin
 * (issue 19 #8: a new name, logo or callback URL is consent-screen impersonation until reviewed).
 */
export function narrowTo(approved: ApplicationDetails, requested: ApplicationDetails): ApplicationDetails {
  const redirectUris = approved.redirectUris.filter((u) => requested.redirectUris.includes(u));
  // Binding tokens to a key (DPoP) only restricts the app: it goes live at once; turning it off waits for review.
  return { ...detailsOf(approved), scopes: approved.scopes.filter((s) => requested.scopes.includes(s)), redirectUris: redirectUris.length ? redirectUris : approved.redirectUris, dpopBound: approved.dpopBound === true || requested.dpopBound };
}

export const isConfidential = (m: AuthMethod): boolean => m !== 'none';


