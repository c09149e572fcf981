// The invoice mutations: the caller's own (receive or write) and the public …OnBehalfOfRecipient ones.
import type { Scope } from '../scopes.ts';
import type { Result } from '../../shared/result.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import { cancelInvoice } from '../../wallet/app/cancel-invoice.ts';
import { createInvoice, type CreateInvoiceInput, type Invoice } from '../../wallet/app/create-invoice.ts';
import { walletError, type WalletError } from '../../wallet/domain/errors.ts';
import type { ApiContext } from './context.ts';
import { invoiceNode } from './nodes.ts';
import { caller, failed, input, num, RECEIVE, str, type Input, type Resolver } from './resolver-kit.ts';

const invoicePayload = (result: Result<Invoice, WalletError>) => (result.ok ? { errors: [], invoice: invoiceNode(result.value) } : { ...failed(result.error), invoice: null });

/**
 * The public …OnBehalfOfRecipient mutations need no credential, so anyone can ask for invoices to any
 * wallet: they are counted per recipient wallet in the database (issue 19 #1), only for wallets that exist.
 */
function recipientLimit(ctx: ApiContext): CreateInvoiceInput['admit'] {
  const { perWindow, windowSeconds } = ctx.services.config.recipientInvoiceLimit;
  if (perWindow === 0) return undefined;
  const limiter = createLimit(ctx.services.wallet.db, { prefix: 'invoice-recipient', limit: perWindow, windowSeconds });
  return async (wallet) => {
    const { allowed, retryAfter } = await limiter.hit(wallet.id);
    return allowed ? undefined : walletError('TOO_MANY_REQUESTS', `Too many invoices for this wallet; retry in ${retryAfter} s`);
  };
}

function createInvoiceWith(scopes: Scope[] | 'public', build: (i: Input) => Omit<CreateInvoiceInput, 'ownerAccountId'>): Resolver {
  return async (_root, args, ctx) => {
    const i = input(args);
    if (scopes === 'public') return invoicePayload(await createInvoice(ctx.services.wallet, { ...build(i), admit: recipientLimit(ctx) }));
    const { account } = await caller(ctx, ...scopes);
    return invoicePayload(await createInvoice(ctx.services.wallet, { ...build(i), ownerAccountId: account.id }));
  };
}

export const invoiceMutations: Record<string, Resolver> = {
  lnInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
    walletId: String(i.walletId),
    requiredCurrency: 'BTC',
    amount: { kind: 'sats', sats: Number(i.amount) },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
  })),
  lnUsdInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
    walletId: String(i.walletId),
    requiredCurrency: 'USD',
    amount: { kind: 'cents', cents: Number(i.amount) },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
  })),
  lnNoAmountInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
    walletId: String(i.walletId),
    amount: { kind: 'none' },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
  })),
  lnInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
    walletId: String(i.recipientWalletId),
    requiredCurrency: 'BTC',
    amount: { kind: 'sats', sats: Number(i.amount) },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
    descriptionHash: str(i.descriptionHash),
  })),
  lnUsdInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
    walletId: String(i.recipientWalletId),
    requiredCurrency: 'USD',
    amount: { kind: 'cents', cents: Number(i.amount) },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
    descriptionHash: str(i.descriptionHash),
  })),
  lnNoAmountInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
    walletId: String(i.recipientWalletId),
    amount: { kind: 'none' },
    memo: str(i.memo),
    expiresInMinutes: num(i.expiresIn),
    externalId: str(i.externalId),
  })),
  lnInvoiceCancel: async (_r, args, ctx) => {
    const { account } = await caller(ctx, ...RECEIVE);
    const i = input(args);
    const result = await cancelInvoice(ctx.services.wallet, { accountId: account.id, walletId: String(i.walletId), paymentHash: String(i.paymentHash) });
    return result.ok ? { errors: [], success: true } : { ...failed(result.error), success: false };
  },
};
