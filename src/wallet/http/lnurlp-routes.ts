// LNURL-pay for this instance's users on the API server (LUD-06, LUD-16): GET /.well-known/lnurlp/<username>
// answers the pay request; the same URL with ?amount=<millisatoshis> (the pay request's callback) issues an
// invoice on the user's default wallet. Public, as Lightning addresses are; limited per client address
// (RATE_LIMIT_LNURLP per RATE_LIMIT_WINDOW) and, for invoices, per recipient wallet as the public invoice
// mutations are. Refusals are LUD-06's {"status":"ERROR","reason":…} with a 4xx status.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Queryable } from '../../db/database.ts';
import { addressKey } from '../../shared/limits/client-address.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import type { CreateInvoiceInput, WalletError, WalletService } from '../wallet-service.ts';

export interface LnurlpRoutesOptions {
  wallet: Pick<WalletService, 'lnurlPayRequest' | 'lnurlInvoice'>;
  db: Queryable;
  /** Requests per client address per window; 0 turns the limit off. */
  perWindow: number;
  windowSeconds: number;
  /** The per-recipient limit of public invoices (issue 19 #1). */
  admit: CreateInvoiceInput['admit'];
}

const STATUS: Partial<Record<WalletError['code'], number>> = { RECIPIENT_NOT_FOUND: 404, TOO_MANY_REQUESTS: 429 };

function refuse(reply: FastifyReply, status: number, reason: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ status: 'ERROR', reason });
}

export async function lnurlpRoutes(app: FastifyInstance, options: LnurlpRoutesOptions): Promise<void> {
  const limit = options.perWindow > 0 ? createLimit(options.db, { prefix: 'lnurlp-ip', limit: options.perWindow, windowSeconds: options.windowSeconds }) : undefined;

  app.get<{ Params: { username: string }; Querystring: Record<string, unknown> }>('/.well-known/lnurlp/:username', async (request, reply) => {
    // Wallets in browsers read this cross-origin; it carries no credential.
    reply.header('access-control-allow-origin', '*');
    if (limit) {
      const { allowed, retryAfter } = await limit.hit(addressKey(request.ip));
      if (!allowed) return refuse(reply.header('retry-after', String(retryAfter)), 429, `Too many requests; retry in ${retryAfter} s`);
    }
    const { username } = request.params;
    if (!/^[a-zA-Z0-9_]{3,50}$/.test(username)) return refuse(reply, 404, 'No user with this name here');
    const amount = request.query.amount;
    if (amount === undefined) {
      const payRequest = await options.wallet.lnurlPayRequest(username);
      if (!payRequest.ok) return refuse(reply, STATUS[payRequest.error.code] ?? 400, payRequest.error.message);
      return reply.header('cache-control', 'no-store').send(payRequest.value);
    }
    if (typeof amount !== 'string') return refuse(reply, 400, 'amount must be given once, in millisatoshis');
    const invoice = await options.wallet.lnurlInvoice({ username, amountMsats: amount, admit: options.admit });
    if (!invoice.ok) return refuse(reply, STATUS[invoice.error.code] ?? 400, invoice.error.message);
    return reply.header('cache-control', 'no-store').send({ pr: invoice.value.paymentRequest, routes: [] });
  });
}
