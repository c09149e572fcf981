// BOLT 11 payment requests, encoded and signed with the server's node key.
// Spec: https://github.com/lightning/bolts/blob/master/11-payment-encoding.md
// Bech32 comes from @scure/base and the secp256k1 signature from @noble/secp256k1; this file only
// lays out the tagged fields. Decoding uses light-bolt11-decoder.
import { createHash, createHmac } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { bech32 } from '@scure/base';
import { decode } from 'light-bolt11-decoder';

secp.hashes.sha256 = (msg: Uint8Array) => new Uint8Array(createHash('sha256').update(msg).digest());
secp.hashes.hmacSha256 = (key: Uint8Array, msg: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(msg).digest());

export type LightningNetwork = 'mainnet' | 'testnet' | 'signet' | 'regtest';
const HRP: Record<LightningNetwork, string> = { mainnet: 'lnbc', testnet: 'lntb', signet: 'lntbs', regtest: 'lnbcrt' };

export interface InvoiceFields {
  network: LightningNetwork;
  /** Omitted for a no-amount invoice. */
  sats?: number | undefined;
  timestamp: number;
  paymentHash: Uint8Array;
  paymentSecret: Uint8Array;
  description: string;
  /** When set, the invoice commits to this SHA-256 of a description (tag h) instead of carrying one (LNURL-pay). */
  descriptionHash?: Uint8Array | undefined;
  expirySeconds: number;
}

/** Big-endian 5-bit words of a non-negative integer, at least `minWords` long. */
function intToWords(value: number, minWords = 1): number[] {
  const words: number[] = [];
  let v = BigInt(value);
  while (v > 0n) {
    words.unshift(Number(v & 31n));
    v >>= 5n;
  }
  while (words.length < minWords) words.unshift(0);
  return words;
}

function tagged(type: number, data: number[]): number[] {
  if (data.length >= 1024) throw new Error('tagged field too long');
  return [type, data.length >> 5, data.length & 31, ...data];
}

/** The shortest amount part (BOLT 11 "SHOULD use the shortest representation"). */
function amountPart(sats: number): string {
  if (sats % 100_000 === 0) return `${sats / 100_000}m`;
  if (sats % 100 === 0) return `${sats / 100}u`;
  return `${BigInt(sats) * 10n}n`;
}

const TAG = { paymentHash: 1, paymentSecret: 16, description: 13, descriptionHash: 23, expiry: 6, minFinalCltv: 24, features: 5 } as const;

export function encodeInvoice(fields: InvoiceFields, nodeSecretKey: Uint8Array): string {
  const prefix = HRP[fields.network] + (fields.sats === undefined ? '' : amountPart(fields.sats));
  return signFields(
    prefix,
    fields.timestamp,
    [
      [TAG.paymentHash, bech32.toWords(fields.paymentHash)],
      [TAG.paymentSecret, bech32.toWords(fields.paymentSecret)],
      fields.descriptionHash ? [TAG.descriptionHash, bech32.toWords(fields.descriptionHash)] : [TAG.description, textWords(fields.description)],
      [TAG.expiry, intToWords(fields.expirySeconds)],
      [TAG.minFinalCltv, intToWords(18)],
      // Features: var_onion_optin (bit 8) and payment_secret (bit 14), both required.
      [TAG.features, intToWords((1 << 14) | (1 << 8))],
    ],
    nodeSecretKey,
  );
}

export const textWords = (text: string): number[] => bech32.toWords(new TextEncoder().encode(text));
export { intToWords, TAG };

/** Lays out timestamp and tagged fields in the given order and appends the node's signature. */
export function signFields(prefix: string, timestamp: number, fields: readonly (readonly [number, number[]])[], nodeSecretKey: Uint8Array): string {
  const data = [...intToWords(timestamp, 7), ...fields.flatMap(([type, words]) => tagged(type, words))];
  // Signed message: the human-readable part's bytes then the data words padded to whole bytes.
  const message = concat(new TextEncoder().encode(prefix), wordsToPaddedBytes(data));
  const recovered = secp.sign(message, nodeSecretKey, { format: 'recovered' });
  // noble puts the recovery id first; BOLT 11 puts it after r || s.
  const signature = concat(recovered.subarray(1), recovered.subarray(0, 1));
  return bech32.encode(prefix, [...data, ...bech32.toWords(signature)], false);
}

/** 5-bit words as bytes, the last byte padded with zero bits (BOLT 11: "to the next byte boundary"). */
function wordsToPaddedBytes(words: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil((words.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const w of words) {
    acc = ((acc << 5) | w) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0) out[at] = (acc << (8 - bits)) & 0xff;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DecodedInvoice {
  paymentHash: string;
  /** Undefined for a no-amount invoice. */
  msats: bigint | undefined;
  network: string | undefined;
  description: string | undefined;
  timestamp: number;
  expiry: number;
}

/** Decodes a payment request; undefined when it is not a well-formed BOLT 11 string. */
export function decodeInvoice(paymentRequest: string): DecodedInvoice | undefined {
  if (paymentRequest.length > 4000 || !/^ln/i.test(paymentRequest)) return undefined;
  try {
    const decoded = decode(paymentRequest);
    let paymentHash: string | undefined;
    let msats: bigint | undefined;
    let network: string | undefined;
    let description: string | undefined;
    let timestamp = 0;
    for (const s of decoded.sections) {
      if (s.name === 'payment_hash') paymentHash = s.value;
      else if (s.name === 'amount') msats = BigInt(s.value);
      else if (s.name === 'coin_network') network = s.value?.bech32;
      else if (s.name === 'description') description = s.value;
      else if (s.name === 'timestamp') timestamp = s.value;
    }
    if (!paymentHash || !/^[0-9a-f]{64}$/.test(paymentHash)) return undefined;
    // BOLT 11: without an x field the invoice expires after 3600 seconds.
    return { paymentHash, msats, network, description, timestamp, expiry: decoded.expiry ?? 3600 };
  } catch {
    return undefined;
  }
}

/** The node key, derived from the system secret so that every process signs with the same key. */
export function deriveNodeKey(systemSecret: string): { readonly secretKey: Uint8Array; readonly publicKeyHex: string } {
  const secretKey = new Uint8Array(createHmac('sha256', systemSecret).update('lightgate lightning node key').digest());
  // The public key on first use: noble's first point multiplication builds its precomputed tables (~30 ms of
  // CPU), which the first invoice pays instead of every start (issue 18).
  let publicKeyHex: string | undefined;
  return {
    secretKey,
    get publicKeyHex() {
      return (publicKeyHex ??= Buffer.from(secp.getPublicKey(secretKey, true)).toString('hex'));
    },
  };
}

/** The public key that signed a payment request (for tests and for telling our invoices apart). */
export function recoverPayee(paymentRequest: string): string | undefined {
  try {
    const { prefix, words } = bech32.decode(paymentRequest as `${string}1${string}`, false);
    const sigWords = words.slice(-104);
    const dataWords = words.slice(0, -104);
    const sig = bech32.fromWords(sigWords);
    const recovered = concat(sig.subarray(64, 65), sig.subarray(0, 64));
    const message = concat(new TextEncoder().encode(prefix), wordsToPaddedBytes(dataWords));
    return Buffer.from(secp.recoverPublicKey(recovered, message)).toString('hex');
  } catch {
    return undefined;
  }
}
