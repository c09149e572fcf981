// The one place that reads the environment. Parsed once with zod at start-up and frozen;
// everything else receives the Config object.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { preparePrivateDir } from './data-dir.ts';
import { productionProblems, secretWeakness } from './production-checks.ts';
import { adminApiCredentials, adminApiEnv, adminExposureProblem, type AdminApiCredentials } from './admin-credentials.ts';
import { trustProxySchema, type TrustProxy } from './trust-proxy.ts';

export type { TrustProxy };

export const SERVICE_NAMES = ['auth', 'api', 'ui', 'portal'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const port = z.coerce.number().int().min(0).max(65535);
const duration = z.string().transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration like 30s, 10m, 1h or 720h: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return seconds;
});
const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const secret = z.string().min(32, 'must be at least 32 characters');
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LIGHTGATE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
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
  CACHE_TTL: duration.default(2),

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
});

export type RawEnv = Record<string, string | undefined>;

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly services: readonly ServiceName[];
  readonly listen: Readonly<Record<'public' | 'admin' | 'ui' | 'portal' | 'api', { host: string; port: number }>>;
  readonly urls: {
    readonly issuer: string;
    readonly admin: string;
    readonly login: string;
    readonly consent: string;
    readonly logout: string;
    readonly postLogoutRedirect: string;
    readonly ui: string;
    readonly portal: string;
    readonly api: string;
    readonly hydraAdmin: string | undefined;
  };
  readonly ttl: { readonly accessToken: number; readonly refreshToken: number; readonly idToken: number; readonly authCode: number; readonly interaction: number; readonly loginSession: number };
  readonly secrets: { readonly system: readonly string[]; readonly cookie: readonly string[]; readonly generated: boolean };
  readonly cookiesSecure: boolean;
  readonly adminApi: AdminApiCredentials;
  /** Strict-Transport-Security on every server: on when the issuer is https (issue 11 #5). */
  readonly hsts: boolean;
  readonly clientAuthThrottle: { readonly maxFailures: number; readonly windowSeconds: number };
  readonly cacheTtlSeconds: number;
  readonly smtp: { readonly url: string | undefined; readonly from: string };
  readonly sms: { readonly webhookUrl: string | undefined; readonly webhookToken: string | undefined };
  readonly adminEmails: readonly string[];
  readonly priceBtcUsdCents: number;
  readonly loginCodeIpLimit: number;
  readonly loginCodeLimits: {
    readonly ipDaily: number;
    readonly requesterHourly: number;
    readonly requesterDaily: number;
    readonly identifierHourly: number;
    readonly identifierDaily: number;
    readonly attemptsHourly: number;
    readonly attemptsDaily: number;
  };
  readonly trustProxy: TrustProxy;
  readonly rateLimits: { readonly perIp: number; readonly perClient: number; readonly windowSeconds: number };
  readonly recipientInvoiceLimit: { readonly perWindow: number; readonly windowSeconds: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Development secrets are generated once and kept in the data dir so restarts keep sessions and keys. */
function developmentSecrets(dataDir: string): { system: string[]; cookie: string[] } {
  const file = join(dataDir, 'dev-secrets.json');
  preparePrivateDir(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { system: string[]; cookie: string[] };
  const secrets = { system: [randomBytes(32).toString('base64url')], cookie: [randomBytes(32).toString('base64url')] };
  try {
    // 'wx': never through a file (or link) planted there; another process starting at once may have won.
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as { system: string[]; cookie: string[] };
  }
  return secrets;
}

/** Parse and validate the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(rawEnv: RawEnv = process.env): Config {
  const parsed = envSchema.safeParse(rawEnv);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production) {
    const missing = [
      !e.SECRETS_SYSTEM && 'SECRETS_SYSTEM',
      !e.SECRETS_COOKIE && 'SECRETS_COOKIE',
      !e.URLS_SELF_ISSUER && 'URLS_SELF_ISSUER',
      // Sign-in codes are sent by the API (/auth/*) and by the login & consent app.
      (e.LIGHTGATE_SERVICES.includes('api') || e.LIGHTGATE_SERVICES.includes('ui')) && !e.SMTP_URL && 'SMTP_URL',
    ].filter(Boolean);
    if (missing.length) throw new ConfigError(`invalid configuration:\n${missing.map((m) => `  ${m}: required when NODE_ENV=production`).join('\n')}`);
    const problems = productionProblems({
      secretsSystem: e.SECRETS_SYSTEM!,
      secretsCookie: e.SECRETS_COOKIE!,
      issuer: e.URLS_SELF_ISSUER!,
      tlsTerminatedAtProxy: e.TLS_TERMINATED_AT_PROXY,
      cookiesSecure: e.COOKIES_SECURE,
    });
    if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const adminApi = adminApiCredentials(e);
  const exposed = adminExposureProblem(e.SERVE_ADMIN_HOST, e.LIGHTGATE_SERVICES.includes('auth'), adminApi);
  const weakAdminToken = production && e.ADMIN_API_TOKEN ? secretWeakness(e.ADMIN_API_TOKEN) : undefined;
  const adminProblems = [exposed, weakAdminToken && `ADMIN_API_TOKEN: too weak: ${weakAdminToken}`].filter(Boolean);
  if (adminProblems.length) throw new ConfigError(`invalid configuration:\n${adminProblems.map((p) => `  ${p}`).join('\n')}`);
  const dataDir = resolve(e.LIGHTGATE_DATA_DIR);
  const generated = !e.SECRETS_SYSTEM || !e.SECRETS_COOKIE;
  const dev = generated ? developmentSecrets(dataDir) : undefined;
  const local = (p: number) => `http://localhost:${p}`;
  const issuer = e.URLS_SELF_ISSUER ?? local(e.SERVE_PUBLIC_PORT);
  const ui = e.URLS_UI ?? local(e.UI_PORT);
  const config: Config = {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    services: e.LIGHTGATE_SERVICES,
    listen: {
      public: { host: e.SERVE_PUBLIC_HOST, port: e.SERVE_PUBLIC_PORT },
      admin: { host: e.SERVE_ADMIN_HOST, port: e.SERVE_ADMIN_PORT },
      ui: { host: e.UI_HOST, port: e.UI_PORT },
      portal: { host: e.PORTAL_HOST, port: e.PORTAL_PORT },
      api: { host: e.API_HOST, port: e.API_PORT },
    },
    urls: {
      issuer,
      admin: e.URLS_SELF_ADMIN ?? `http://127.0.0.1:${e.SERVE_ADMIN_PORT}`,
      login: e.URLS_LOGIN ?? `${ui}/login`,
      consent: e.URLS_CONSENT ?? `${ui}/consent`,
      logout: e.URLS_LOGOUT ?? `${ui}/logout`,
      postLogoutRedirect: e.URLS_POST_LOGOUT_REDIRECT ?? `${ui}/logged-out`,
      ui,
      portal: e.URLS_PORTAL ?? local(e.PORTAL_PORT),
      api: e.URLS_API ?? local(e.API_PORT),
      hydraAdmin: e.HYDRA_ADMIN_URL,
    },
    ttl: {
      accessToken: e.TTL_ACCESS_TOKEN,
      refreshToken: e.TTL_REFRESH_TOKEN,
      idToken: e.TTL_ID_TOKEN,
      authCode: e.TTL_AUTH_CODE,
      interaction: e.TTL_LOGIN_CONSENT_REQUEST,
      loginSession: e.TTL_LOGIN_SESSION,
    },
    secrets: {
      system: e.SECRETS_SYSTEM ?? dev!.system,
      cookie: e.SECRETS_COOKIE ?? dev!.cookie,
      generated,
    },
    cookiesSecure: e.COOKIES_SECURE ?? (issuer.startsWith('https:') || e.TLS_TERMINATED_AT_PROXY),
    adminApi,
    hsts: issuer.startsWith('https:'),
    clientAuthThrottle: { maxFailures: e.CLIENT_AUTH_MAX_FAILURES, windowSeconds: e.CLIENT_AUTH_WINDOW },
    cacheTtlSeconds: e.CACHE_TTL,
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM },
    sms: { webhookUrl: e.SMS_WEBHOOK_URL, webhookToken: e.SMS_WEBHOOK_TOKEN },
    adminEmails: e.ADMIN_EMAILS.map((x) => x.toLowerCase()),
    priceBtcUsdCents: e.PRICE_BTC_USD_CENTS,
    loginCodeIpLimit: e.LOGIN_CODE_IP_LIMIT,
    loginCodeLimits: {
      ipDaily: e.LOGIN_CODE_IP_DAILY_LIMIT,
      requesterHourly: e.LOGIN_CODE_REQUESTER_LIMIT,
      requesterDaily: e.LOGIN_CODE_REQUESTER_DAILY_LIMIT,
      identifierHourly: e.LOGIN_CODE_IDENTIFIER_LIMIT,
      identifierDaily: e.LOGIN_CODE_IDENTIFIER_DAILY_LIMIT,
      attemptsHourly: e.LOGIN_ATTEMPT_LIMIT,
      attemptsDaily: e.LOGIN_ATTEMPT_DAILY_LIMIT,
    },
    trustProxy: e.TRUST_PROXY,
    rateLimits: { perIp: e.RATE_LIMIT_IP, perClient: e.RATE_LIMIT_CLIENT, windowSeconds: e.RATE_LIMIT_WINDOW },
    recipientInvoiceLimit: { perWindow: e.RATE_LIMIT_RECIPIENT_INVOICES, windowSeconds: e.RATE_LIMIT_RECIPIENT_WINDOW },
  };
  return deepFreeze(config);
}
