// BOLT 11: our signing message (human-readable part + data padded to bytes) checked against the
// specification's own test vector, and our invoices round-tripped through an independent decoder.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decode } from 'light-bolt11-decoder';
import { bech32 } from '@scure/base';
import { decodeInvoice, deriveNodeKey, encodeInvoice, intToWords, recoverPayee, signFields, TAG, textWords } from '../../src/wallet/services/bolt11.ts';
import { deriveAddress, segwitV0Address } from '../../src/wallet/services/onchain-address.ts';

// From BOLT 11, "Examples" (every example is signed by the node 03e7156a…dd9ad).
const SPEC_PAYEE = '03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad';
const SPEC_HASH = '0001020304050607080900010203040506070809000102030405060708090102';
const SPEC = [
  {
    // "Please send 0.0025 BTC for a cup of nonsense (ナンセンス 1杯) to the same peer, within one minute"
    invoice:
      'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny',
    msats: 250_000_000n,
    description: 'ナンセンス 1杯',
    expiry: 60,
  },
  {
    // "Please send $30 for coffee beans to the same peer, which supports features 9, 15 and 99, using secret 0x11…"
    invoice:
      'lnbc25m1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5vdhkven9v5sxyetpdeessp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9q5sqqqqqqqqqqqqqqqpqsq67gye39hfg3zd8rgc80k32tvy9xk2xunwm5lzexnvpx6fd77en8qaq424dxgt56cag2dpt359k3ssyhetktkpqh24jqnjyw6uqd08sgptq44qu',
    msats: 2_500_000_000n,
    description: 'coffee beans',
    expiry: 3600,
  },
];

test('the payee recovered from the specification vectors is the specification node', () => {
  for (const v of SPEC) {
    assert.equal(recoverPayee(v.invoice), SPEC_PAYEE, 'same signing message as the spec: prefix bytes + data words padded to bytes');
    const decoded = decodeInvoice(v.invoice);
    assert.equal(decoded?.paymentHash, SPEC_HASH);
    assert.equal(decoded?.msats, v.msats);
    assert.equal(decoded?.description, v.description);
    assert.equal(decoded?.timestamp, 1496314658);
    assert.equal(decoded?.expiry, v.expiry);
  }
});

test('our invoices decode to what was encoded, for every amount unit and network', () => {
  const node = deriveNodeKey('bolt11-test-secret-0123456789abcdefghij');
  for (const [network, prefix] of [['regtest', 'lnbcrt'], ['mainnet', 'lnbc'], ['testnet', 'lntb'], ['signet', 'lntbs']] as const) {
    for (const sats of [1, 99, 100, 12_345, 100_000, 2_100_000_000_000_000, undefined]) {
      const preimage = randomBytes(32);
      const paymentHash = createHash('sha256').update(preimage).digest();
      const request = encodeInvoice({ network, sats, timestamp: 1_700_000_000, paymentHash, paymentSecret: randomBytes(32), description: `n=${sats}`, expirySeconds: 3600 }, node.secretKey);
      assert.ok(request.startsWith(prefix), request);
      const independent = decode(request);
      const amount = independent.sections.find((s) => s.name === 'amount') as { value: string } | undefined;
      assert.equal(amount?.value, sats === undefined ? undefined : String(BigInt(sats) * 1000n), request);
      const ours = decodeInvoice(request)!;
      assert.equal(ours.paymentHash, paymentHash.toString('hex'));
      assert.equal(ours.timestamp, 1_700_000_000);
      assert.equal(ours.expiry, 3600);
      assert.equal(recoverPayee(request), node.publicKeyHex);
    }
  }
});

test('on-chain addresses follow BIP 173 (its P2WPKH vector) and are stable per wallet and index', () => {
  assert.equal(segwitV0Address(Buffer.from('751e76e8199196d454941c45d1b3a323f1433bd6', 'hex'), 'mainnet'), 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
  const key = deriveNodeKey('bolt11-test-secret-0123456789abcdefghij').secretKey;
  const a = deriveAddress(key, 'wallet-1', 0, 'regtest');
  assert.match(a, /^bcrt1q[02-9ac-hj-np-z]{38}$/);
  assert.equal(deriveAddress(key, 'wallet-1', 0, 'regtest'), a);
  assert.notEqual(deriveAddress(key, 'wallet-1', 1, 'regtest'), a);
});

test('the encoder reproduces a specification invoice byte for byte from the spec node key', () => {
  // The examples' private key (BOLT 11) and the "cup of nonsense" fields, in the spec's order.
  const key = Buffer.from('e126f68f7eafcc8b74f54d269fe206be715000f94dac067d1c04a8ca3b2db734', 'hex');
  const invoice = signFields(
    'lnbc2500u',
    1496314658,
    [
      [TAG.paymentHash, bech32.toWords(Buffer.from(SPEC_HASH, 'hex'))],
      [TAG.description, textWords('ナンセンス 1杯')],
      [TAG.expiry, intToWords(60)],
    ],
    key,
  );
  assert.equal(invoice, SPEC[0]!.invoice);
});
