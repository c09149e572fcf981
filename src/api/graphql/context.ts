// Per-request GraphQL context: the caller (if any), the app faces, per-request memoization, and the
// checks every resolver starts with (scope, first-party session, the caller's account).
import type { GraphQLResolveInfo } from 'graphql';
import type { ApiKey } from '../../api-keys/api-keys-service.ts';
import type { Config } from '../../config/config.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import type { AccountId, UserId } from '../../shared/brand.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Result } from '../../shared/result.ts';
import type { Account, AppBudgets, BudgetView, CreateInvoiceInput, Wallet, WalletService } from '../../wallet/wallet-service.ts';
import type { Principal } from '../credentials.ts';
import type { EndpointOwner, WebhooksService } from '../../webhooks/webhooks-service.ts';
import type { WalletEventHub } from '../subscriptions/wallet-event-hub.ts';
import type { Scope } from '../scopes.ts';
import { gqlError, valueOrThrow, type CodedError } from './error-map.ts';

/** The API-key operations the resolvers use (bound to the database by the server). */
export interface ApiKeysFace {
  list(userId: UserId): Promise<ApiKey[]>;
  create(input: { userId: UserId; name: string; scopes: readonly Scope[]; expireInDays: number | null; callerScopes: ReadonlySet<Scope> }): Promise<Result<{ apiKey: ApiKey; secret: string }, CodedError>>;
  revoke(userId: UserId, id: string): Promise<Result<ApiKey, CodedError>>;
}

export interface ApiServices {
  config: Pick<Config, 'urls'>;
  wallet: WalletService;
  identity: Pick<IdentityService, 'getUser' | 'logout' | 'initiateTotp' | 'confirmTotp' | 'disableTotp' | 'supportedCountries' | 'initiateEmailRegistration' | 'validateEmailRegistration' | 'deleteEmail'>;
  apiKeys: ApiKeysFace;
  /** Counts a public invoice against its recipient wallet (issue 19 #1); undefined when unlimited. */
  admitRecipientInvoice: CreateInvoiceInput['admit'];
  /** Callback endpoints (issue 14): the process's webhooks face. */
  webhooks: Pick<WebhooksService, 'add' | 'list' | 'remove' | 'rotateSecret'>;
  /** The calling app's grant budget (issue 15). */
  budgets: AppBudgets;
  /** Wallet events and prices for the subscriptions (issue 13), one hub per process. */
  events: WalletEventHub;
  logger?: Logger | undefined;
}

export interface ApiContext {
  principal: Principal | undefined;
  services: ApiServices;
  /** From the Idempotency-Key header: applies to the send mutations of this request. */
  idempotencyKey: string | undefined;
  /** The request's language from Accept-Language (issue 17: the e-mail code's message); undefined over WebSocket. */
  locale?: string | undefined;
  memo: { account?: Promise<Account>; wallets?: Promise<Wallet[]>; user?: ReturnType<IdentityService['getUser']>; budget?: Promise<BudgetView | undefined> };
}

/**
 * A field resolver: graphql-js hands it the parent object our mappers built and the arguments the schema
 * validated (scalars parsed), so each resolver declares both types. Declared as a method so that maps of
 * resolvers with different sources and arguments type-check without casts (method parameters are bivariant).
 */
export type Field<TSource = unknown, TArgs = Record<string, never>> = {
  resolve(source: TSource, args: TArgs, ctx: ApiContext, info: GraphQLResolveInfo): unknown;
}['resolve'];
export type FieldMap = Record<string, Field<unknown, unknown>>;
export type ResolverMap = Record<string, FieldMap>;

/** Blink's mutations take one `input` object. */
export type InputArgs<T> = { input: T };

export const RECEIVE: Scope[] = ['receive', 'write'];
export const WRITE: Scope[] = ['write'];

/** The caller, holding one of the scopes; throws a coded GraphQL error before any side effect. */
export function requireScope(ctx: ApiContext, ...anyOf: Scope[]): Principal {
  const p = ctx.principal;
  if (!p) throw gqlError('Authentication required: send Oauth2-Token, X-API-KEY or Authorization: Bearer', 'NOT_AUTHENTICATED');
  if (!anyOf.some((s) => p.scopes.has(s))) {
    throw gqlError(`This operation needs the ${anyOf.map((s) => `'${s}'`).join(' or ')} scope`, 'INSUFFICIENT_SCOPE');
  }
  return p;
}

/**
 * The account holder's own session, nothing else, whatever the scopes: a third-party app or an API key
 * must never mint, list or revoke credentials, change the second factor or set the permanent username
 * (issue 11 #5, issue 19 #15). Each could outlive the app's revocation, lock the user out or take over
 * the account's identity.
 */
export function firstPartyPrincipal(ctx: ApiContext, scope: Scope, what: string): Principal {
  const principal = requireScope(ctx, scope);
  if (principal.kind !== 'session') {
    throw gqlError(`${what} by the account holder in a first-party session (the wallet app or the developer portal)`, 'FIRST_PARTY_ONLY');
  }
  return principal;
}

/** The caller's account, read (or opened, by the wallet face) once per request. */
export function accountOf(ctx: ApiContext, principal: Principal): Promise<Account> {
  ctx.memo.account ??= ctx.services.wallet.accountOfUser(principal.userId).then(valueOrThrow);
  return ctx.memo.account;
}

/** Only the caller's account id (a send's need): from this request's account if read, else the wallet face's memory. */
export async function accountIdOf(ctx: ApiContext, principal: Principal): Promise<AccountId> {
  if (ctx.memo.account) return (await ctx.memo.account).id;
  return valueOrThrow(await ctx.services.wallet.accountIdOfUser(principal.userId));
}

/** Forgets the account read in this request (after a change to it). */
export function forgetAccount(ctx: ApiContext): void {
  delete ctx.memo.account;
  delete ctx.memo.wallets;
}

export function walletsOf(ctx: ApiContext, account: Account): Promise<Wallet[]> {
  ctx.memo.wallets ??= ctx.services.wallet.walletsOf(account.id);
  return ctx.memo.wallets;
}

/** The caller holding one of the scopes, and its account. */
export async function caller(ctx: ApiContext, ...scopes: Scope[]): Promise<{ principal: Principal; account: Account }> {
  const principal = requireScope(ctx, ...scopes);
  return { principal, account: await accountOf(ctx, principal) };
}

/** Whose callback endpoints a caller manages (issue 14): its account, and its app for an OAuth token. */
export function callbackOwner(ctx: ApiContext, account: Account): EndpointOwner {
  const principal = requireScope(ctx, 'read');
  if (principal.kind === 'oauth2' && !principal.clientId) throw gqlError('The token names no client', 'NOT_AUTHENTICATED');
  return { accountId: account.id, clientId: principal.kind === 'oauth2' ? principal.clientId! : null };
}

/** A caller managing callback endpoints: `write`, and `read` since deliveries carry the account's data. */
export async function callbackCaller(ctx: ApiContext): Promise<EndpointOwner> {
  const principal = requireScope(ctx, 'write');
  if (!principal.scopes.has('read')) throw gqlError("Callback endpoints receive the account's payments: this needs the 'read' scope as well as 'write'", 'INSUFFICIENT_SCOPE');
  return callbackOwner(ctx, await accountOf(ctx, principal));
}

/** A first-party caller (see firstPartyPrincipal) with `write`, and its account. */
export async function firstPartyCaller(ctx: ApiContext, what: string): Promise<{ principal: Principal; account: Account }> {
  const principal = firstPartyPrincipal(ctx, 'write', what);
  return { principal, account: await accountOf(ctx, principal) };
}
