// One API process's fan-out of wallet events to its subscriptions (issue 13). A payment NOTIFYs channel
// `wallet_events` right after its commit (src/wallet/services/wallet-events.ts, PostgreSQL or PGlite);
// this process LISTENs once, on the first subscription, and hands each notice to the subscriptions of its
// account and of its payment hash, so a payment settled by any process reaches a subscriber on any other.
// Prices are polled once per process (only while someone watches) and pushed when they change.
import type { Database } from '../../db/database.ts';
import { isWalletEventType, WALLET_EVENTS_CHANNEL, type WalletEventNotice } from '../../wallet/domain/wallet-event.ts';

export type { WalletEventNotice };
type Listener<T> = (value: T) => void;

export interface WalletEventHub {
  /** Calls `listener` with every event of the account; resolves once this process listens (so nothing after it is missed). */
  onAccount(accountId: string, listener: Listener<WalletEventNotice>): Promise<() => void>;
  /** Calls `listener` with every event naming this payment hash (invoice.paid, payments of the invoice). */
  onPaymentHash(paymentHash: string, listener: Listener<WalletEventNotice>): Promise<() => void>;
  /** Calls `listener` with the price (US cents per bitcoin) whenever it changes. */
  onPrice(listener: Listener<number>): () => void;
  /** Listeners held, for tests and the benchmark. */
  stats(): { accounts: number; paymentHashes: number; prices: number };
  close(): Promise<void>;
}

export interface WalletEventHubDeps {
  db: Pick<Database, 'listen'>;
  priceCents: () => Promise<number>;
  priceIntervalSeconds: number;
  onError?: (error: unknown) => void;
}

const MAX_NOTICE_LENGTH = 2000;

/** A notice as sent by recordWalletEvents, or undefined for anything else on the channel. */
export function parseNotice(payload: string): WalletEventNotice | undefined {
  if (payload.length > MAX_NOTICE_LENGTH) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const n = v as Record<string, unknown>;
  const optional = (x: unknown) => x === null || x === undefined || typeof x === 'string';
  if (typeof n.id !== 'string' || typeof n.type !== 'string' || !isWalletEventType(n.type)) return undefined;
  if (typeof n.accountId !== 'string' || typeof n.walletId !== 'string' || !optional(n.transactionId) || !optional(n.paymentHash)) return undefined;
  return {
    id: n.id,
    type: n.type,
    accountId: n.accountId,
    walletId: n.walletId,
    transactionId: (n.transactionId as string | null | undefined) ?? null,
    paymentHash: typeof n.paymentHash === 'string' ? n.paymentHash.toLowerCase() : null,
  };
}

class Listeners<T> {
  private readonly byKey = new Map<string, Set<Listener<T>>>();
  add(key: string, listener: Listener<T>): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    };
  }
  emit(key: string, value: T, onError: (e: unknown) => void): void {
    for (const listener of this.byKey.get(key) ?? []) {
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }
  get size(): number {
    return this.byKey.size;
  }
}

export function createWalletEventHub(deps: WalletEventHubDeps): WalletEventHub {
  const onError = deps.onError ?? (() => {});
  const accounts = new Listeners<WalletEventNotice>();
  const hashes = new Listeners<WalletEventNotice>();
  const prices = new Set<Listener<number>>();
  let listening: Promise<() => Promise<void>> | undefined;
  let closed = false;

  const dispatch = (payload: string) => {
    const notice = parseNotice(payload);
    if (!notice) return;
    accounts.emit(notice.accountId, notice, onError);
    if (notice.paymentHash) hashes.emit(notice.paymentHash, notice, onError);
  };
  const listen = async (): Promise<void> => {
    if (closed) throw new Error('the event hub is closed');
    listening ??= deps.db.listen(WALLET_EVENTS_CHANNEL, dispatch);
    try {
      await listening;
    } catch (error) {
      listening = undefined;
      throw error;
    }
  };

  let priceTimer: NodeJS.Timeout | undefined;
  let lastPrice: number | undefined;
  const pollPrice = async () => {
    try {
      const price = await deps.priceCents();
      if (price === lastPrice) return;
      lastPrice = price;
      for (const listener of [...prices]) listener(price);
    } catch (error) {
      onError(error);
    }
  };

  return {
    async onAccount(accountId, listener) {
      const remove = accounts.add(accountId, listener);
      await listen().catch((e: unknown) => {
        remove();
        throw e;
      });
      return remove;
    },
    async onPaymentHash(paymentHash, listener) {
      const remove = hashes.add(paymentHash.toLowerCase(), listener);
      await listen().catch((e: unknown) => {
        remove();
        throw e;
      });
      return remove;
    },
    onPrice(listener) {
      prices.add(listener);
      if (!priceTimer && !closed) {
        priceTimer = setInterval(() => void pollPrice(), deps.priceIntervalSeconds * 1000).unref();
        void deps.priceCents().then((p) => (lastPrice ??= p), onError);
      }
      return () => {
        prices.delete(listener);
        if (prices.size === 0 && priceTimer) {
          clearInterval(priceTimer);
          priceTimer = undefined;
          lastPrice = undefined;
        }
      };
    },
    stats: () => ({ accounts: accounts.size, paymentHashes: hashes.size, prices: prices.size }),
    async close() {
      closed = true;
      if (priceTimer) clearInterval(priceTimer);
      const unlisten = await listening?.catch(() => undefined);
      await unlisten?.();
    },
  };
}
