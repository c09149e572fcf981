// Operator routes for the admin port (4445, loopback): fund a wallet from the platform's funding
// account, and read a wallet. Errors use Hydra's admin error shape { error, error_description }.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { readWallet } from '../app/find-wallet.ts';
import { fundWallet } from '../app/fund-wallet.ts';
import { adminActorOf } from '../../auth/http/admin-auth.ts';
import type { WalletError } from '../domain/errors.ts';

export interface WalletAdminRoutesOptions {
  db: Database;
}

const STATUS: Partial<Record<WalletError['code'], number>> = { INVALID_WALLET_ID: 404, ACCOUNT_NOT_FOUND: 404 };
const fail = (e: WalletError) => ({ status: STATUS[e.code] ?? 400, body: { error: e.code.toLowerCase(), error_description: e.message } });

export async function walletAdminRoutes(app: FastifyInstance, options: WalletAdminRoutesOptions): Promise<void> {
  const { db } = options;

  app.post<{ Params: { walletId: string }; Body: unknown }>('/admin/wallets/:walletId/fund', async (request, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as { amount?: unknown; memo?: unknown };
    if (typeof body.amount !== 'number') return reply.code(400).send({ error: 'invalid_request', error_description: 'amount must be a number (sats for BTC wallets, cents for USD wallets)' });
    if (body.memo !== undefined && (typeof body.memo !== 'string' || body.memo.length > 1024)) {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'memo must be a string of at most 1024 characters' });
    }
    // Audited: the credential's name (or "local"), the request id and the caller's address (issue 11 #5).
    const by = { actor: adminActorOf(request), requestId: String(request.headers['x-request-id'] ?? request.id).slice(0, 128), sourceAddress: request.ip };
    const funded = await fundWallet(db, { walletId: request.params.walletId, amount: body.amount, memo: body.memo as string | undefined, by });
    if (!funded.ok) {
      const f = fail(funded.error);
      return reply.code(f.status).send(f.body);
    }
    return funded.value;
  });

  app.get<{ Params: { walletId: string } }>('/admin/wallets/:walletId', async (request, reply) => {
    const found = await readWallet(db, request.params.walletId);
    if (!found.ok) {
      const f = fail(found.error);
      return reply.code(f.status).send(f.body);
    }
    return found.value;
  });
}
