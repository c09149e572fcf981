// The one place that reads the environment. Parsed once with zod at start-up (env-schema.ts) and frozen;
// everything else receives the Config object (config-shape.ts).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { preparePrivateDir } from './data-dir.ts';
import { productionProblems, secretWeakness } from './production-checks.ts';
import { adminApiCredentials, adminExposureProblem } from './admin-credentials.ts';
import type { TrustProxy } from './trust-proxy.ts';
import { envSchema } from './env-schema.ts';
import type { Config } from './config-shape.ts';

export type { Config } from './config-shape.ts';
export { SERVICE_NAMES, type ServiceName } from './env-schema.ts';
export type { TrustProxy };

export type RawEnv = Record<string, string | undefined>;

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
  const adminProblems = [
    exposed,
    weakAdminToken && `ADMIN_API_TOKEN: too weak: ${weakAdminToken}`,
    production && e.WEBHOOK_ALLOW_LOOPBACK && 'WEBHOOK_ALLOW_LOOPBACK: cannot be true in production (webhooks must not reach this machine)',
  ].filter(Boolean);
  if (adminProblems.length) throw new ConfigError(`invalid configuration:\n${adminProblems.map((p) => `  ${p}`).join('\n')}`);
  // Issue 16: a requirement set explicitly needs its feature on (never silently dropped).
  const requirementProblems = [
    e.REQUIRE_DPOP_FOR_WRITE === true && !e.OAUTH2_DPOP_ENABLED && 'REQUIRE_DPOP_FOR_WRITE: needs OAUTH2_DPOP_ENABLED=true',
    e.REQUIRE_PAR_FOR_WRITE && !e.OAUTH2_PAR_ENABLED && 'REQUIRE_PAR_FOR_WRITE: needs OAUTH2_PAR_ENABLED=true',
  ].filter(Boolean);
  if (requirementProblems.length) throw new ConfigError(`invalid configuration:\n${requirementProblems.map((p) => `  ${p}`).join('\n')}`);
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
    pglite: { sharedBuffers: e.PGLITE_SHARED_BUFFERS, templateRoot: e.PGLITE_TEMPLATE_DIR === 'off' ? false : e.PGLITE_TEMPLATE_DIR && resolve(e.PGLITE_TEMPLATE_DIR) },
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
    clientSecretRotationGrace: e.CLIENT_SECRET_ROTATION_GRACE,
    webauthnRpId: (e.WEBAUTHN_RP_ID ?? new URL(ui).hostname).toLowerCase(),
    cacheTtlSeconds: e.CACHE_TTL,
    writeBudgetDefault: e.WRITE_BUDGET_DEFAULT,
    oauth2: {
      dpop: e.OAUTH2_DPOP_ENABLED,
      dpopRequireNonce: e.OAUTH2_DPOP_ENABLED && e.OAUTH2_DPOP_REQUIRE_NONCE,
      par: e.OAUTH2_PAR_ENABLED,
      requireDpopForWrite: e.OAUTH2_DPOP_ENABLED && (e.REQUIRE_DPOP_FOR_WRITE ?? production),
      requireParForWrite: e.OAUTH2_PAR_ENABLED && e.REQUIRE_PAR_FOR_WRITE,
    },
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
    accountLimits: { internalSendCents: e.LIMIT_INTERNAL_SEND_DAILY_CENTS, convertCents: e.LIMIT_CONVERT_DAILY_CENTS, withdrawalCents: e.LIMIT_WITHDRAWAL_DAILY_CENTS },
    lnurlpRateLimit: e.RATE_LIMIT_LNURLP,
    subscriptions: {
      perConnection: e.WS_SUBSCRIPTIONS_PER_CONNECTION,
      connectionsPerCredential: e.WS_CONNECTIONS_PER_CREDENTIAL,
      connectionsPerAddress: e.WS_CONNECTIONS_PER_ADDRESS,
      initTimeoutSeconds: e.WS_CONNECTION_INIT_TIMEOUT,
      keepAliveSeconds: e.WS_KEEPALIVE,
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      priceIntervalSeconds: e.WS_PRICE_INTERVAL,
    },
    device: {
      verificationUrl: e.URLS_DEVICE_VERIFICATION ?? `${ui}/device`,
      successUrl: e.URLS_DEVICE_SUCCESS ?? `${ui}/device/done`,
      userCodeTtl: e.TTL_DEVICE_USER_CODE,
      pollInterval: e.DEVICE_POLL_INTERVAL,
      triesPerChallenge: e.DEVICE_CODE_TRIES_PER_CHALLENGE,
      addressLimit: e.DEVICE_CODE_ADDRESS_LIMIT,
      globalLimit: e.DEVICE_CODE_GLOBAL_LIMIT,
      windowSeconds: e.DEVICE_CODE_WINDOW,
    },
    dcr: { enabled: e.DCR_ENABLED, addressLimit: e.DCR_ADDRESS_LIMIT, windowSeconds: e.DCR_WINDOW },
    brand: {
      name: e.BRAND_NAME,
      operator: e.BRAND_OPERATOR,
      logoUrl: e.BRAND_LOGO_URL,
      color: e.BRAND_COLOR,
      supportUrl: e.BRAND_SUPPORT_URL,
      supportEmail: e.BRAND_SUPPORT_EMAIL,
      themeDir: e.THEME_DIR ? resolve(e.THEME_DIR) : undefined,
    },
    webhooks: {
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK ?? !production,
      baseMs: e.WEBHOOK_RETRY_BASE,
      windowMs: e.WEBHOOK_RETRY_WINDOW,
      connectTimeoutMs: e.WEBHOOK_CONNECT_TIMEOUT,
      totalTimeoutMs: e.WEBHOOK_TIMEOUT,
      maxResponseBytes: e.WEBHOOK_MAX_RESPONSE_BYTES,
      maxEndpointsPerAccount: e.WEBHOOK_MAX_ENDPOINTS,
      manualPerMinute: e.WEBHOOK_MANUAL_PER_MINUTE,
      concurrency: e.WEBHOOK_CONCURRENCY,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL,
    },
  };
  return deepFreeze(config);
}
