// Deterministic regtest-style on-chain addresses: a P2WPKH-shaped bech32 address (BIP 173) whose
// 20-byte program is derived from the node key, the wallet id and an index. There is no on-chain
// backend; the addresses are stable and well-formed so clients can display and parse them.
import { createHmac } from 'node:crypto';
import { bech32 } from '@scure/base';
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import type { LightningNetwork } from './bolt11.ts';

const SEGWIT_HRP: Record<LightningNetwork, string> = { mainnet: 'bc', testnet: 'tb', signet: 'tb', regtest: 'bcrt' };

/** A witness version 0 address (bech32, BIP 173) for a 20- or 32-byte program. */
export function segwitV0Address(program: Uint8Array, network: LightningNetwork): string {
  if (program.length !== 20 && program.length !== 32) throw new Error('a v0 witness program has 20 or 32 bytes');
  return bech32.encode(SEGWIT_HRP[network], [0, ...bech32.toWords(program)]);
}

export function deriveAddress(nodeSecretKey: Uint8Array, walletId: string, index: number, network: LightningNetwork): string {
  return segwitV0Address(createHmac('sha256', nodeSecretKey).update(`onchain:${walletId}:${index}`).digest().subarray(0, 20), network);
}

/** The wallet's newest address, if it has one. */
export async function currentAddress(db: Queryable, walletId: WalletId): Promise<string | undefined> {
  const [row] = await db.query<{ address: string }>('SELECT address FROM onchain_addresses WHERE wallet_id = $1 ORDER BY idx DESC LIMIT 1', [walletId]);
  return row?.address;
}

/** Stores the wallet's next address (index after the newest); retried when a concurrent call took that index. */
export async function addNextAddress(db: Queryable, walletId: WalletId, derive: (index: number) => string): Promise<string> {
  for (;;) {
    const [row] = await db.query<{ next: number }>('SELECT coalesce(max(idx) + 1, 0) AS next FROM onchain_addresses WHERE wallet_id = $1', [walletId]);
    const next = row?.next ?? 0;
    const address = derive(next);
    const rows = await db.query('INSERT INTO onchain_addresses (wallet_id, idx, address) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING address', [walletId, next, address]);
    if (rows.length === 1) return address;
  }
}
