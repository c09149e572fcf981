// Deterministic regtest-style on-chain addresses: a P2WPKH-shaped bech32 address (BIP 173) whose
// 20-byte program is derived from the node key, the wallet id and an index. There is no on-chain
// backend; the addresses are stable and well-formed so clients can display and parse them.
import { createHmac } from 'node:crypto';
import { bech32 } from '@scure/base';
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
