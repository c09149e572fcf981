// The environment's schema (zod): every variable Lightgate reads, its type, range and default. Parsed once by
// loadConfig (config.ts), the only reader of process.env.
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { adminApiEnv } from './admin-credentials.ts';
import { trustProxySchema } from './trust-proxy.ts';
import { parseSpendDetail, type WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';

export const SERVICE_NAMES = ['auth', 'api', 'ui', 'portal'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const port = z.coerce.number().int().min(0).max(65535);
export const duration = z.string().transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration like 30s, 10m, 1h or 720h: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return seconds;
});
const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const secret = z.string().min(32, 'must be at least 32 characters');
// A duration in milliseconds: "250ms", or anything `duration` takes ("30s", "24h").
const millis = z.string().transform((value, ctx) => {
  const ms = /^\s*(\d+)ms\s*$/.exec(value);
  const seconds = ms ? undefined : parseDuration(value);
  if (!ms && seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration like 250ms, 30s, 10m or 24h: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms ? Number(ms[1]) : seconds! * 1000;
});
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
// "none", or one wallet_spend detail (RFC 9396) as JSON, parsed strictly (src/shared/wallet-spend).
const writeBudget = z.string().transform((value, ctx): WalletSpendDetail | null => {
  if (value.trim() === 'none') return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be "none" or a wallet_spend detail as JSON' });
    return z.NEVER;
  }
  const detail = parseSpendDetail(json);
  if (!detail.ok) {
    ctx.addIssue({ code: 'custom', message: detail.error });
    return z.NEVER;
  }
  return detail.value;
});

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LIGHTGATE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // The embedded engine's shared_buffers (issue 18): PostgreSQL's own unit syntax, at least 1MB.
  PGLITE_SHARED_BUFFERS: z.string().regex(/^([1-9]\d*MB|[1-9]\d*GB|\d{4,}kB)$/, 'must be a size such as 16MB').default('16MB'),
  // Where the initdb template is kept (default node_modules/.cache/lightgate), or `off`: initdb in each new data directory.
  PGLITE_TEMPLATE_DIR: z.string().min(1).optional(),
  LIGHTGATE_SERVICES: csv.pipe(z.array(z.enum(SERVICE_NAMES)).min(1)).default([...SERVICE_NAMES]),

  SERVE_PUBLIC_HOST: z.string().default('0.0.0.0'),
  SERVE_PUBLIC_PORT: port.default(4444),
  SERVE_ADMIN_HOST: z.string().default('127.0.0.1'),
  SERVE_ADMIN_PORT: port.default(4445),
  UI_HOST: z.string().default('0.0.0.0'),
  UI_PORT: port.default(3000),
  PORTAL_HOST: z.string().default('0.0.0.0'),
  PORTAL_PORT: port.default(3001),
  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: port.default(4002),

  // Public URLs the services give each other and browsers; set them when behind a proxy.
  URLS_SELF_ISSUER: url.optional(),
  URLS_SELF_ADMIN: url.optional(),
  URLS_LOGIN: url.optional(),
  URLS_CONSENT: url.optional(),
  URLS_LOGOUT: url.optional(),
  URLS_POST_LOGOUT_REDIRECT: url.optional(),
  // Issue 16, device authorization grant (Hydra's urls.device.verification / urls.device.success): the login
  // app's page that asks for the user code, and the page after the device was signed in.
  URLS_DEVICE_VERIFICATION: url.optional(),
  URLS_DEVICE_SUCCESS: url.optional(),
  URLS_UI: url.optional(),
  URLS_PORTAL: url.optional(),
  URLS_API: url.optional(),
  // When set, the login & consent app and the API talk to this Hydra admin API instead of in-process.
  HYDRA_ADMIN_URL: url.optional(),
  // The admin API's credential (inbound) and what this process sends to an admin API (outbound).
  ...adminApiEnv,

  TTL_ACCESS_TOKEN: duration.default(3600),
  TTL_REFRESH_TOKEN: duration.default(720 * 3600),
  TTL_ID_TOKEN: duration.default(3600),
  TTL_AUTH_CODE: duration.pipe(z.number().max(600, 'codes live at most 10 minutes')).default(600),
  TTL_LOGIN_CONSENT_REQUEST: duration.default(1800),
  TTL_LOGIN_SESSION: duration.default(30 * 24 * 3600),

  SECRETS_SYSTEM: csv.pipe(z.array(secret).min(1)).optional(),
  SECRETS_COOKIE: csv.pipe(z.array(secret).min(1)).optional(),
  COOKIES_SECURE: bool.optional(),
  // TLS ends at a proxy in front: browsers see https even if URLS_SELF_ISSUER says http (production only).
  TLS_TERMINATED_AT_PROXY: bool.default(false),

  CLIENT_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).default(10),
  CLIENT_AUTH_WINDOW: duration.default(60),
  // Issue 17 #5: how long a rotated client secret keeps working beside the new one (Hydra keeps it until deleted).
  CLIENT_SECRET_ROTATION_GRACE: duration.default(7 * 24 * 3600),
  // Issue 17 passkeys: the WebAuthn relying party id (a host the login app's and portal's hosts share); default the login app's host.
  WEBAUTHN_RP_ID: z.string().regex(/^[a-z0-9.-]+$/i).optional(),
  CACHE_TTL: duration.default(2),
  // Issue 16: DPoP (RFC 9449) and PAR (RFC 9126) at the token and /oauth2/par endpoints; discovery shows what is on.
  OAUTH2_DPOP_ENABLED: bool.default(true),
  // The auth server and the wallet API answer proofs without a server nonce with use_dpop_nonce (DPoP-Nonce).
  OAUTH2_DPOP_REQUIRE_NONCE: bool.default(false),
  OAUTH2_PAR_ENABLED: bool.default(true),
  // Every grant holding `write` must be DPoP-bound / pushed through PAR (DPoP: on by default in production).
  REQUIRE_DPOP_FOR_WRITE: bool.optional(),
  REQUIRE_PAR_FOR_WRITE: bool.default(false),
  // Issue 15: the spending budget of a `write` grant whose app asked none and whose client has no
  // spend_budget_default: a wallet_spend detail as JSON, or "none" (no budget), the default everywhere.
  WRITE_BUDGET_DEFAULT: writeBudget.default(null),

  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_FROM: z.string().default('Lightgate <no-reply@localhost>'),
  // Phone codes (SMS, WhatsApp): POSTed as JSON {channel, to, text} to this URL; production offers phone sign-in only with it.
  SMS_WEBHOOK_URL: url.optional(),
  SMS_WEBHOOK_TOKEN: z.string().min(1).optional(),
  ADMIN_EMAILS: csv.default([]),
  PRICE_BTC_USD_CENTS: z.coerce.number().int().positive().default(10_000_000),
  LOGIN_CODE_IP_LIMIT: z.coerce.number().int().positive().default(300),
  // Sign-in code limits (see src/identity/domain/policy.ts for why each is keyed the way it is).
  LOGIN_CODE_IP_DAILY_LIMIT: z.coerce.number().int().positive().default(1000),
  LOGIN_CODE_REQUESTER_LIMIT: z.coerce.number().int().positive().default(10),
  LOGIN_CODE_REQUESTER_DAILY_LIMIT: z.coerce.number().int().positive().default(30),
  LOGIN_CODE_IDENTIFIER_LIMIT: z.coerce.number().int().positive().default(30),
  LOGIN_CODE_IDENTIFIER_DAILY_LIMIT: z.coerce.number().int().positive().default(100),
  LOGIN_ATTEMPT_LIMIT: z.coerce.number().int().positive().default(10),
  LOGIN_ATTEMPT_DAILY_LIMIT: z.coerce.number().int().positive().default(30),
  // Which peers may set X-Forwarded-For: off, a hop count or proxy CIDRs.
  TRUST_PROXY: trustProxySchema,
  // Request rates per window, shared by all processes through the database (0 turns a limit off).
  RATE_LIMIT_WINDOW: duration.default(60),
  RATE_LIMIT_IP: z.coerce.number().int().min(0).default(6000),
  RATE_LIMIT_CLIENT: z.coerce.number().int().min(0).default(12000),
  // Public invoice mutations (…OnBehalfOfRecipient) per recipient wallet, as Blink limits them (0 turns it off).
  RATE_LIMIT_RECIPIENT_INVOICES: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_RECIPIENT_WINDOW: duration.default(60),
  // Issue 13, Account.limits: what an account may move per rolling 24 hours, in US cents (0: no limit). Payments
  // to other accounts here, conversions between one's own wallets, and payments leaving through Lightning.
  LIMIT_INTERNAL_SEND_DAILY_CENTS: z.coerce.number().int().min(0).default(0),
  LIMIT_CONVERT_DAILY_CENTS: z.coerce.number().int().min(0).default(0),
  LIMIT_WITHDRAWAL_DAILY_CENTS: z.coerce.number().int().min(0).default(0),
  // Issue 13: requests to /.well-known/lnurlp/<username> (LNURL-pay) per client address and window (0 turns it off).
  RATE_LIMIT_LNURLP: z.coerce.number().int().min(0).default(60),
  // Issue 13: GraphQL subscriptions over WebSocket (graphql-transport-ws, ws://…:4002/graphql). Counts are per API process.
  WS_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(20),
  WS_CONNECTIONS_PER_CREDENTIAL: z.coerce.number().int().min(1).default(10),
  // Connections without a credential (the public invoice-status subscriptions), per client address.
  WS_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  WS_CONNECTION_INIT_TIMEOUT: duration.pipe(z.number().min(1)).default(3),
  // A WebSocket ping this often; no pong within the same time closes the socket (0 turns pings off).
  WS_KEEPALIVE: duration.default(12),
  WS_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
  // How often price subscriptions (realtimePrice, price, myUpdates) ask the price provider for a change.
  WS_PRICE_INTERVAL: duration.pipe(z.number().min(1)).default(30),
  // Issue 16, RFC 8628: user and device code lifetime, the polling interval (slow_down adds 5 s each time), and
  // the user-code guessing limits: tries per device challenge, per address and in all (wrong codes per window).
  TTL_DEVICE_USER_CODE: duration.default(600),
  DEVICE_POLL_INTERVAL: duration.default(5),
  DEVICE_CODE_TRIES_PER_CHALLENGE: z.coerce.number().int().min(1).default(5),
  DEVICE_CODE_ADDRESS_LIMIT: z.coerce.number().int().min(1).default(20),
  DEVICE_CODE_GLOBAL_LIMIT: z.coerce.number().int().min(1).default(1000),
  DEVICE_CODE_WINDOW: duration.default(3600),
  // Issue 16, RFC 7591/7592 at /oauth2/register: off unless set; registered clients wait in the portal's review queue.
  DCR_ENABLED: bool.default(false),
  DCR_ADDRESS_LIMIT: z.coerce.number().int().min(1).default(10),
  DCR_WINDOW: duration.default(3600),
  // Issue 17: the operator's brand on every page (login app, portal, the auth server's own pages) and a theme
  // directory (theme.css, logo.svg|png, brand.json, messages/<locale>.json, templates/*.html) that overrides them.
  BRAND_NAME: z.string().trim().min(1).max(60).optional(),
  BRAND_OPERATOR: z.string().trim().min(1).max(80).optional(),
  BRAND_LOGO_URL: url.optional(),
  BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #f7931a').optional(),
  BRAND_SUPPORT_URL: url.optional(),
  BRAND_SUPPORT_EMAIL: z.email().optional(),
  THEME_DIR: z.string().min(1).optional(),
  // Issue 14, webhooks: retry backoff base (doubling, capped at 128 × base, jittered) for at least
  // WEBHOOK_RETRY_WINDOW, then failed; connect and total timeouts; bytes of a response read; endpoints
  // per account; test events and replays per account per minute; concurrent deliveries of this process's
  // worker (0: no worker here) and its poll interval. Durations take ms too ("250ms").
  // WEBHOOK_ALLOW_LOOPBACK (http://127.0.0.1 targets): default on outside production, refused in production.
  WEBHOOK_RETRY_BASE: millis.default(30_000),
  WEBHOOK_RETRY_WINDOW: millis.default(24 * 3600_000),
  WEBHOOK_CONNECT_TIMEOUT: millis.pipe(z.number().min(1)).default(3_000),
  WEBHOOK_TIMEOUT: millis.pipe(z.number().min(1)).default(10_000),
  WEBHOOK_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).default(64 * 1024),
  WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).default(10),
  WEBHOOK_MANUAL_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(8),
  WEBHOOK_POLL_INTERVAL: millis.pipe(z.number().min(1)).default(1_000),
  WEBHOOK_ALLOW_LOOPBACK: bool.optional(),
});
