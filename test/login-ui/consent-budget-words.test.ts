// Issue 15: the consent page's budget words in English and Spanish, and the form's numbers read back into a
// budget that is never above the asked one (the browser test drives the same through the whole flow).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { askedBudget, describeBudget, readBudgetForm } from '../../src/login-ui/budget.ts';
import type { ConsentRequest } from '../../src/hydra-port/types.ts';
import { DEFAULT_THEME } from '../../src/web/theme.ts';
import { runInWeb } from '../../src/web/web-context.ts';

const inLocale = <T>(locale: 'en' | 'es', fn: () => T): T => runInWeb({ locale, theme: DEFAULT_THEME, path: '/consent' }, fn);
const PRICE = 10_000_000; // $100,000.00 per bitcoin, in cents
const sats = (amount: number, period: WalletSpendDetail['period'], perPayment: number | null): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period, per_payment_max: perPayment });
const cents = (amount: number, period: WalletSpendDetail['period'], perPayment: number | null): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'USD' }, period, per_payment_max: perPayment });

describe('consent budget: words', () => {
  test('sats with the dollar estimate, dollars as they are, lifetime and zero', () => {
    assert.equal(inLocale('en', () => describeBudget(sats(5000, 'P1D', 1000), PRICE)), 'up to 5,000 sats (≈ $5.00) per day, at most 1,000 sats per payment');
    assert.equal(inLocale('en', () => describeBudget(sats(5000, 'P1D', 1000), undefined)), 'up to 5,000 sats per day, at most 1,000 sats per payment', 'no price: sats alone');
    assert.equal(inLocale('en', () => describeBudget(cents(5000, 'P1W', null), PRICE)), 'up to $50.00 per week');
    assert.equal(inLocale('en', () => describeBudget(cents(1999, 'P1M', 500), PRICE)), 'up to $19.99 per month, at most $5.00 per payment');
    assert.equal(inLocale('en', () => describeBudget(sats(21, null, null), PRICE)), 'up to 21 sats (≈ $0.02) in total');
    assert.equal(inLocale('en', () => describeBudget(sats(0, 'P1D', null), PRICE)), 'no sending');
    assert.match(inLocale('es', () => describeBudget(sats(5000, 'P1D', 1000), PRICE)), /^hasta 5,000 sats \(≈ USD\s5\.00\) por día, como máximo 1,000 sats por pago$/);
    assert.match(inLocale('es', () => describeBudget(cents(5000, 'P1W', null), PRICE)), /^hasta USD\s50\.00 por semana$/);
    assert.equal(inLocale('es', () => describeBudget(sats(0, null, null), PRICE)), 'sin envíos');
  });

  test('a budget is shown only with write', () => {
    const detail = sats(5000, 'P1D', 1000);
    const request = (scope: string[]) => ({ requested_scope: scope, requested_authorization_details: [detail] }) as unknown as ConsentRequest;
    assert.deepEqual(askedBudget(request(['openid', 'write'])), detail);
    assert.equal(askedBudget(request(['openid', 'read'])), undefined);
    assert.equal(askedBudget({ requested_scope: ['write'] } as unknown as ConsentRequest), undefined, 'a Hydra without the extension sends none');
    const malformed = { requested_scope: ['write'], requested_authorization_details: [{ type: 'wallet_spend', limit: { amount: -5, currency: 'BTC' } }] };
    assert.equal(askedBudget(malformed as unknown as ConsentRequest), undefined, 'a malformed detail is not worded (never a 500)');
  });
});

describe('consent budget: the form read back', () => {
  const asked = sats(5000, 'P1D', 1000);
  const read = (amount: string | undefined, perPayment: string | undefined, detail = asked) => inLocale('en', () => readBudgetForm(detail, { amount, perPayment }));

  test('lowered, kept, emptied, zeroed', () => {
    assert.deepEqual(read('2000', '1000'), { ok: true, value: sats(2000, 'P1D', 1000) });
    assert.deepEqual(read(' 2000 ', '250'), { ok: true, value: sats(2000, 'P1D', 250) });
    assert.deepEqual(read(undefined, undefined), { ok: true, value: asked }, 'fields not sent keep the asked values');
    assert.deepEqual(read('', ''), { ok: true, value: sats(0, 'P1D', 1000) }, 'an empty budget is no sending');
    assert.deepEqual(read('5000', '0'), { ok: true, value: sats(0, 'P1D', 1000) }, 'a per-payment maximum of 0 is no sending');
    assert.deepEqual(read('3000', 'x', sats(5000, null, null)), { ok: true, value: sats(3000, null, null) }, 'no per-payment maximum asked: the field is ignored');
    assert.deepEqual(read('19.9', undefined, cents(5000, 'P1W', null)), { ok: true, value: cents(1990, 'P1W', null) }, 'dollars read as cents');
    assert.deepEqual(read('20', undefined, cents(5000, 'P1W', null)), { ok: true, value: cents(2000, 'P1W', null) });
  });

  test('never raised, never fractional or negative, and each problem names its field', () => {
    const problems = (r: ReturnType<typeof read>) => (r.ok ? [] : r.error.map((p) => `${p.field}: ${p.message}`));
    assert.deepEqual(problems(read('5001', '1000')), ['amount: The app asked for at most 5,000 sats: you can lower it, not raise it.']);
    assert.deepEqual(problems(read('5000', '1001')), ['perPayment: The app asked for at most 1,000 sats: you can lower it, not raise it.']);
    for (const bad of ['12.5', '-1', '1e3', '0x10', 'lots', '١٢', '99999999999999999']) {
      assert.deepEqual(problems(read(bad, '1000')), ['amount: Enter a whole number of sats, like 2000, or 0 for no sending.'], bad);
    }
    assert.deepEqual(problems(read('50.001', undefined, cents(5000, 'P1W', null))), ['amount: Enter an amount in dollars, like 20 or 19.99, or 0 for no sending.']);
    assert.deepEqual(problems(read('50.01', undefined, cents(5000, 'P1W', null))), ['amount: The app asked for at most $50.00: you can lower it, not raise it.']);
    assert.equal(problems(read('9000', '9000')).length, 2, 'both fields at once');
  });
});
