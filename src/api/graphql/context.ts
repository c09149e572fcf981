// Per-request GraphQL context: the caller (if any), the services, and per-request memoization.
import { GraphQLError } from 'graphql';
import type { Config } from '../../config/config.ts';
import type { Scope } from '../scopes.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import type { Logger } from '../../shared/logger.ts';
import type { WalletDeps } from '../../wallet/app/deps.ts';
import { createAccountForUser } from '../../wallet/app/create-account.ts';
import { isUuid } from '../../wallet/domain/ids.ts';
import { findAccountByUser, listWallets, type Account, type Wallet } from '../../wallet/services/accounts.ts';
import type { Principal } from '../credentials.ts';

export interface ApiServices {
  config: Config;
  wallet: WalletDeps;
  identity: Pick<IdentityService, 'getUser' | 'logout' | 'verifySessionToken' | 'initiateTotp' | 'confirmTotp' | 'disableTotp'>;
  logger?: Logger | undefined;
}

export interface ApiContext {
  principal: Principal | undefined;
  services: ApiServices;
  /** From the Idempotency-Key header: applies to the send mutations of this request. */
  idempotencyKey: string | undefined;
  memo: { account?: Promise<Account>; wallets?: Promise<Wallet[]>; user?: ReturnType<IdentityService['getUser']> };
}

export const gqlError = (message: string, code: string): GraphQLError => new GraphQLError(message, { extensions: { code } });

/** The caller, holding one of the scopes; throws a coded GraphQL error before any side effect. */
export function requireScope(ctx: ApiContext, ...anyOf: Scope[]): Principal {
  const p = ctx.principal;
  if (!p) throw gqlError('Authentication required: send Oauth2-Token, X-API-KEY or Authorization: Bearer', 'NOT_AUTHENTICATED');
  if (!anyOf.some((s) => p.scopes.has(s))) {
    throw gqlError(`This operation needs the ${anyOf.map((s) => `'${s}'`).join(' or ')} scope`, 'INSUFFICIENT_SCOPE');
  }
  return p;
}

/** The caller's account; created on first use for a user who has none yet (e.g. created before the wallet existed). */
export function accountOf(ctx: ApiContext, principal: Principal): Promise<Account> {
  ctx.memo.account ??= (async () => {
    const db = ctx.services.wallet.db;
    if (!isUuid(principal.userId)) throw gqlError('No account for this user', 'ACCOUNT_NOT_FOUND');
    let account = await findAccountByUser(db, principal.userId);
    if (!account) {
      const user = await ctx.services.identity.getUser(principal.userId).catch(() => undefined);
      if (!user) throw gqlError('No account for this user', 'ACCOUNT_NOT_FOUND');
      await createAccountForUser(db, principal.userId);
      account = await findAccountByUser(db, principal.userId);
      if (!account) throw gqlError('No account for this user', 'ACCOUNT_NOT_FOUND');
    }
    return account;
  })();
  return ctx.memo.account;
}

export function walletsOf(ctx: ApiContext, account: Account): Promise<Wallet[]> {
  ctx.memo.wallets ??= listWallets(ctx.services.wallet.db, account.id);
  return ctx.memo.wallets;
}
