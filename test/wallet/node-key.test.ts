// The wallet's Lightning node key (issue 18 made its public key lazy): every face of the wallet reports the key
// its invoices are signed with, derived from the first system secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { deriveNodeKey, encodeInvoice, recoverPayee } from '../../src/wallet/services/bolt11.ts';
import { buildWalletDeps, createWalletService } from '../../src/wallet/wallet-service.ts';

test('the deps and the service report the public key that recovers from an invoice signed with the node key', () => {
  const secret = 'node-key-test-secret-0123456789abcdefghij';
  const deps = buildWalletDeps({ secrets: { system: [secret, 'an-older-secret-0123456789abcdefghijklmn'], cookie: ['c'] }, priceBtcUsdCents: 5_000_000 } as never, {} as Database);
  const service = createWalletService(deps, { userExists: async () => true });
  const request = encodeInvoice({ network: 'regtest', sats: 1, timestamp: 1_700_000_000, paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: 'k', expirySeconds: 60 }, deps.node.secretKey);
  const payee = recoverPayee(request);
  assert.match(payee ?? '', /^0[23][0-9a-f]{64}$/);
  assert.equal(deps.node.publicKeyHex, payee);
  assert.equal(service.node.publicKeyHex, payee);
  assert.equal(service.node.publicKeyHex, deriveNodeKey(secret).publicKeyHex);
  assert.notEqual(deriveNodeKey('another-secret-0123456789abcdefghijklmn').publicKeyHex, payee);
});
