import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decode } from 'light-bolt11-decoder';
import { cancelInvoice } from '../../src/wallet/app/cancel-invoice.ts';
import { createInvoice } from '../../src/wallet/app/create-invoice.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { invoiceStatus } from '../../src/wallet/app/invoice-status.ts';
import { listTransactions } from '../../src/wallet/app/list-transactions.ts';
import { payInvoice } from '../../src/wallet/app/pay-invoice.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { centsForSats, satsForCents } from '../../src/wallet/domain/money.ts';
import { encodeInvoice, recoverPayee } from '../../src/wallet/services/bolt11.ts';
import { postTransfer } from '../../src/wallet/services/ledger.ts';
import type { Queryable } from '../../src/db/database.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount, PRICE, walletDeps } from './helpers.ts';

test('conversions are integer and round in the platform favour', () => {
  assert.equal(satsForCents(1, PRICE), 10); // 1 cent = 10 sats at $100k
  assert.equal(centsForSats(1, PRICE), 1); // 1 sat costs 0.1 cent, rounded up
  assert.equal(centsForSats(10, PRICE), 1);
  assert.equal(centsForSats(2_100_000_000_000_000, PRICE), 210_000_000_000_000);
});

for (const kind of DATABASE_KINDS) {
  describe(`ledger on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
    });
    after(async () => t.drop());

    test('funding and intraledger payments post balanced journals; a balance never goes negative', async () => {
      const deps = walletDeps(t.db);
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      assert.ok((await fundWallet(t.db, { walletId: a.btc, amount: 5_000 })).ok);
      const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1_200, currency: 'BTC', memo: 'lunch' });
      assert.ok(sent.ok);
      assert.equal(await balance(t.db, a.btc), 3_800);
      assert.equal(await balance(t.db, b.btc), 1_200);
      const tooMuch = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 3_801, currency: 'BTC' });
      assert.deepEqual(!tooMuch.ok && tooMuch.error.code, 'INSUFFICIENT_BALANCE');
      assert.equal(await balance(t.db, a.btc), 3_800, 'a refused payment changes nothing');
      // BTC -> USD through the dealer wallets: 1,000 sats = 100 cents at $100k.
      assert.ok((await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.usd, amount: 1_000, currency: 'BTC' })).ok);
      assert.equal(await balance(t.db, b.usd), 100);
      // Somebody else's wallet as the source is refused.
      const foreign = await sendIntraLedger(deps, { accountId: a.accountId, walletId: b.btc, recipientWalletId: a.btc, amount: 1, currency: 'BTC' });
      assert.equal(!foreign.ok && foreign.error.code, 'INVALID_WALLET_ID');
      const self = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: a.btc, amount: 1, currency: 'BTC' });
      assert.equal(!self.ok && self.error.code, 'SELF_PAYMENT');
      for (const amount of [0, -5, 1.5, 2_100_000_000_000_001, Number.MAX_SAFE_INTEGER + 2]) {
        const r = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount, currency: 'BTC' });
        assert.equal(!r.ok && r.error.code, 'INVALID_AMOUNT', `amount ${amount}`);
      }
      assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test('the database itself refuses an unbalanced journal and a negative user balance', async () => {
      const a = await newAccount(t.db);
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query("INSERT INTO ledger_journals (id, kind, sender_wallet_id, recipient_wallet_id) VALUES (gen_random_uuid(), 'funding', $1, $1)", [a.btc]);
          await tx.query("INSERT INTO ledger_entries (journal_id, wallet_id, currency, amount, balance_after) SELECT id, $1, 'BTC', 5, 5 FROM ledger_journals WHERE sender_wallet_id = $1", [a.btc]);
        }),
        /not balanced/,
      );
      await assert.rejects(t.db.query('UPDATE wallets SET balance = -1 WHERE id = $1', [a.btc]), /wallets_balance_not_negative/);
    });

    test('the balance check is per statement: legs of one journal inserted by two statements are refused, even when they balance together', async () => {
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      const insertLeg = (tx: Queryable, wallet: string, amount: number) =>
        tx.query("INSERT INTO ledger_entries (journal_id, wallet_id, currency, amount, balance_after) SELECT id, $1, 'BTC', $2, 0 FROM ledger_journals WHERE sender_wallet_id = $3", [wallet, amount, a.btc]);
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query("INSERT INTO ledger_journals (id, kind, sender_wallet_id, recipient_wallet_id) VALUES (gen_random_uuid(), 'funding', $1, $2)", [a.btc, b.btc]);
          await insertLeg(tx, a.btc, -5);
          await insertLeg(tx, b.btc, 5);
        }),
        /not balanced/,
      );
      assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test('a journal that names a wallet in two legs posts running balances (the general form of the lock-and-post statement)', async () => {
      const a = await newAccount(t.db);
      await fundWallet(t.db, { walletId: a.btc, amount: 100 });
      const transfer = { kind: 'intraledger' as const, senderWalletId: a.btc, senderCurrency: 'BTC' as const, recipientWalletId: a.btc, recipientCurrency: 'BTC' as const, debit: 30, credit: 30 };
      const posted = await postTransfer(t.db, transfer);
      assert.ok(posted.ok);
      assert.deepEqual(posted.value.entries.map((e) => [e.amount, e.balanceAfter]), [[-30, 70], [30, 100]]);
      assert.equal(await balance(t.db, a.btc), 100);
      assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test('idempotency: the same key returns the first result and never pays twice, even concurrently', async () => {
      const deps = walletDeps(t.db);
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      await fundWallet(t.db, { walletId: a.btc, amount: 1_000 });
      const send = () => sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 100, currency: 'BTC', idempotencyKey: 'k-1' });
      const results = await Promise.all([send(), send(), send(), send(), send()]);
      assert.ok(results.every((r) => r.ok));
      assert.equal(new Set(results.map((r) => r.ok && r.value.journalId)).size, 1, 'one journal for one key');
      assert.equal(await balance(t.db, a.btc), 900);
      const again = await send();
      assert.equal(again.ok && again.value.journalId, results[0]!.ok && results[0]!.value.journalId);
      const reused = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 101, currency: 'BTC', idempotencyKey: 'k-1' });
      assert.equal(!reused.ok && reused.error.code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(await balance(t.db, a.btc), 900);
    });

    test('invoices: real BOLT11, internal settlement marks PAID once; cancel, expiry and foreign invoices', async () => {
      const deps = walletDeps(t.db);
      const payer = await newAccount(t.db);
      const payee = await newAccount(t.db);
      await fundWallet(t.db, { walletId: payer.btc, amount: 50_000 });
      await fundWallet(t.db, { walletId: payer.usd, amount: 10_000 });

      const created = await createInvoice(deps, { walletId: payee.btc, ownerAccountId: payee.accountId, requiredCurrency: 'BTC', amount: { kind: 'sats', sats: 2_500 }, memo: 'coffee', expiresInMinutes: 10 });
      assert.ok(created.ok);
      const inv = created.value;
      assert.match(inv.paymentRequest, /^lnbcrt25u1/);
      const sections = Object.fromEntries(decode(inv.paymentRequest).sections.map((s) => [s.name, (s as { value?: unknown }).value]));
      assert.equal(sections.payment_hash, inv.paymentHash);
      assert.equal(sections.amount, '2500000');
      assert.equal(sections.description, 'coffee');
      assert.equal(decode(inv.paymentRequest).expiry, 600);
      assert.equal(recoverPayee(inv.paymentRequest), deps.node.publicKeyHex, 'signed with the node key');

      const hashed = await createInvoice(deps, { walletId: payee.btc, amount: { kind: 'sats', sats: 1 }, descriptionHash: 'ab'.repeat(32) });
      assert.ok(hashed.ok);
      const hashedSections = decode(hashed.value.paymentRequest).sections;
      assert.equal((hashedSections.find((x) => x.name === ('description_hash' as string)) as { value?: string } | undefined)?.value, 'ab'.repeat(32));
      assert.equal(recoverPayee(hashed.value.paymentRequest), deps.node.publicKeyHex);

      const paid = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: inv.paymentRequest });
      assert.equal(paid.ok && paid.value.status, 'SUCCESS');
      assert.equal(await balance(t.db, payee.btc), 2_500);
      const status = await invoiceStatus(t.db, { paymentHash: inv.paymentHash });
      assert.ok(status.ok);
      assert.equal(status.value.status, 'PAID');
      assert.equal(createHash('sha256').update(Buffer.from(status.value.paymentPreimage!, 'hex')).digest('hex'), inv.paymentHash, 'the preimage matches the hash');
      const twice = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.usd, paymentRequest: inv.paymentRequest });
      assert.equal(twice.ok && twice.value.status, 'ALREADY_PAID');
      assert.equal(await balance(t.db, payer.usd), 10_000, 'paying twice moves nothing');

      // A USD invoice for 150 cents paid from a BTC wallet: 1,500 sats out, 150 cents in.
      const usdInvoice = await createInvoice(deps, { walletId: payee.usd, ownerAccountId: payee.accountId, requiredCurrency: 'USD', amount: { kind: 'cents', cents: 150 } });
      assert.ok(usdInvoice.ok);
      const before = await balance(t.db, payer.btc);
      assert.ok((await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: usdInvoice.value.paymentRequest })).ok);
      assert.equal(before - (await balance(t.db, payer.btc)), 1_500);
      assert.equal(await balance(t.db, payee.usd), 150);

      // No-amount invoice paid with an amount.
      const open = await createInvoice(deps, { walletId: payee.btc, amount: { kind: 'none' } });
      assert.ok(open.ok);
      const needsAmount = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: open.value.paymentRequest });
      assert.equal(!needsAmount.ok && needsAmount.error.code, 'INVALID_PAYMENT_REQUEST');
      assert.ok((await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: open.value.paymentRequest, amount: 77 })).ok);

      // Cancelled and expired invoices cannot be paid.
      const toCancel = await createInvoice(deps, { walletId: payee.btc, amount: { kind: 'sats', sats: 10 } });
      assert.ok(toCancel.ok);
      assert.ok((await cancelInvoice(deps, { accountId: payee.accountId, walletId: payee.btc, paymentHash: toCancel.value.paymentHash })).ok);
      const cancelled = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: toCancel.value.paymentRequest });
      assert.equal(!cancelled.ok && cancelled.error.code, 'INVOICE_CANCELLED');
      const lapsed = await createInvoice(deps, { walletId: payee.btc, amount: { kind: 'sats', sats: 10 }, expiresInMinutes: 1 });
      assert.ok(lapsed.ok);
      await t.db.query("UPDATE ln_invoices SET expires_at = now() - interval '1 second' WHERE payment_hash = $1", [lapsed.value.paymentHash]);
      const expired = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: lapsed.value.paymentRequest });
      assert.equal(!expired.ok && expired.error.code, 'INVOICE_EXPIRED');
      const lapsedStatus = await invoiceStatus(t.db, { paymentHash: lapsed.value.paymentHash });
      assert.equal(lapsedStatus.ok && lapsedStatus.value.status, 'EXPIRED');

      // A foreign invoice (another node's key) goes to the Lightning backend port, which has no backend.
      const foreign = encodeInvoice(
        { network: 'regtest', sats: 100, timestamp: Math.floor(Date.now() / 1000), paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: 'elsewhere', expirySeconds: 600 },
        randomBytes(32),
      );
      const balanceBefore = await balance(t.db, payer.btc);
      const refused = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: foreign });
      assert.equal(!refused.ok && refused.error.code, 'LIGHTNING_BACKEND_UNAVAILABLE');
      assert.equal(await balance(t.db, payer.btc), balanceBefore);
      const garbage = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: 'lnbcrt1notaninvoice' });
      assert.equal(!garbage.ok && garbage.error.code, 'INVALID_PAYMENT_REQUEST');

      assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test('transactions: newest first, cursor pagination without gaps or repeats', async () => {
      const deps = walletDeps(t.db);
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      await fundWallet(t.db, { walletId: a.btc, amount: 1_000 });
      for (let i = 1; i <= 7; i++) assert.ok((await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: i, currency: 'BTC', memo: `n${i}` })).ok);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listTransactions(t.db, [a.btc], { first: 3, after });
        assert.ok(page.ok);
        seen.push(...page.value.edges.map((e) => e.node.memo ?? ''));
        if (!page.value.pageInfo.hasNextPage) break;
        after = page.value.pageInfo.endCursor!;
      }
      assert.deepEqual(seen, ['n7', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'Funding']);
      const bad = await listTransactions(t.db, [a.btc], { first: 3, after: 'nonsense' });
      assert.equal(!bad.ok && bad.error.code, 'INVALID_INPUT');
      const tooMany = await listTransactions(t.db, [a.btc], { first: 1000 });
      assert.equal(!tooMany.ok && tooMany.error.code, 'INVALID_INPUT');
    });
  });
}
