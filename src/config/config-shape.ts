// The frozen Config every module receives (built by loadConfig in config.ts from the environment's schema).
import type { z } from 'zod';
import type { AdminApiCredentials } from './admin-credentials.ts';
import type { envSchema, ServiceName } from './env-schema.ts';
import type { TrustProxy } from './trust-proxy.ts';
import type { WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';


export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /** The embedded engine's settings, when DATABASE_URL is not set. */
  readonly pglite: { readonly sharedBuffers: string; readonly templateRoot: string | false | undefined };
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
  /** Seconds a rotated client secret keeps working (issue 17 #5). */
  readonly clientSecretRotationGrace: number;
  /** WebAuthn relying party id (passkeys): a registrable suffix of the login app's and the portal's hosts. */
  readonly webauthnRpId: string;
  readonly cacheTtlSeconds: number;
  /** Issue 16: sender-constrained tokens (DPoP) and pushed authorization requests, and when they are required. */
  /** Issue 15: the budget of a `write` grant when neither the app nor its client set one; null: none. */
  readonly writeBudgetDefault: WalletSpendDetail | null;
  readonly oauth2: { readonly dpop: boolean; readonly dpopRequireNonce: boolean; readonly par: boolean; readonly requireDpopForWrite: boolean; readonly requireParForWrite: boolean };
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
  /** Daily limits per account in US cents; 0 is no limit (Account.limits shows only the ones set). */
  readonly accountLimits: { readonly internalSendCents: number; readonly convertCents: number; readonly withdrawalCents: number };
  /** LNURL-pay requests per client address per RATE_LIMIT_WINDOW (0: off). */
  readonly lnurlpRateLimit: number;
  /** Issue 13: GraphQL subscriptions over WebSocket (limits per API process). */
  readonly subscriptions: {
    readonly perConnection: number;
    readonly connectionsPerCredential: number;
    readonly connectionsPerAddress: number;
    readonly initTimeoutSeconds: number;
    readonly keepAliveSeconds: number;
    readonly maxMessageBytes: number;
    readonly priceIntervalSeconds: number;
  };
  /** Device authorization grant (RFC 8628, issue 16): pages, lifetimes and the user-code guessing limits. */
  readonly device: {
    readonly verificationUrl: string;
    readonly successUrl: string;
    readonly userCodeTtl: number;
    readonly pollInterval: number;
    readonly triesPerChallenge: number;
    readonly addressLimit: number;
    readonly globalLimit: number;
    readonly windowSeconds: number;
  };
  /** Dynamic client registration (RFC 7591/7592, issue 16): off unless DCR_ENABLED; per-address limit. */
  readonly dcr: { readonly enabled: boolean; readonly addressLimit: number; readonly windowSeconds: number };
  /** Issue 17: brand settings (each unset one comes from the theme directory's brand.json, else Lightgate's). */
  readonly brand: {
    readonly name: string | undefined;
    readonly operator: string | undefined;
    readonly logoUrl: string | undefined;
    readonly color: string | undefined;
    readonly supportUrl: string | undefined;
    readonly supportEmail: string | undefined;
    readonly themeDir: string | undefined;
  };
  /** Issue 14: webhook delivery (WEBHOOK_*); times in milliseconds. */
  readonly webhooks: {
    readonly allowLoopback: boolean;
    readonly baseMs: number;
    readonly windowMs: number;
    readonly connectTimeoutMs: number;
    readonly totalTimeoutMs: number;
    readonly maxResponseBytes: number;
    readonly maxEndpointsPerAccount: number;
    readonly manualPerMinute: number;
    readonly concurrency: number;
    readonly pollIntervalMs: number;
  };
}
