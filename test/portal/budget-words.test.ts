// Issue 15, the portal's budget rules and words without a server: amounts as typed (whole sats; dollars and cents
// for a USD budget), what a change is (lower, same, raise up to the ceiling, above it), and the budget in words in
// English and Spanish (sats with ≈ USD, dollar budgets, lifetime, no sending, no limit), and the chart's text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ceilingOf, parseAmount, planChange } from '../../src/portal/app/app-budgets.ts';
import { budgetWords, spendChart } from '../../src/portal/pages/budget-section.ts';
import type { BudgetView } from '../../src/shared/wallet-spend/grant-budgets.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { DEFAULT_THEME } from '../../src/web/theme.ts';
import { runInWeb } from '../../src/web/web-context.ts';

const inLocale = <T>(locale: 'en' | 'es', fn: () => T): T => runInWeb({ locale, theme: DEFAULT_THEME, path: '/account/apps' }, fn);
const detail = (amount: number, currency: 'BTC' | 'USD', period: WalletSpendDetail['period'], perPayment: number | null = null): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency }, period, per_payment_max: perPayment });
const view = (budget: WalletSpendDetail | null, ceiling: WalletSpendDetail | null): BudgetView => ({
  clientId: 'c',
  budget,
  ceiling,
  paused: false,
  spent: 0,
  remaining: budget ? budget.limit.amount : null,
  currency: budget?.limit.currency ?? null,
  periodStart: null,
  resetsAt: null,
  daily: Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, amount: 0 })),
});

describe('portal budgets: rules and words', () => {
  test('amounts as typed: whole sats; dollars with at most two decimals become cents', () => {
    assert.deepEqual(parseAmount('5000', 'BTC'), { ok: true, value: 5000 });
    assert.deepEqual(parseAmount(' 5 000 ', 'BTC'), { ok: true, value: 5000 });
    assert.deepEqual(parseAmount('0', 'BTC'), { ok: true, value: 0 });
    for (const bad of ['-1', '1.5', '1e3', '', 'abc', '0x10', '12345678901234567', undefined, ['1']]) assert.equal(parseAmount(bad, 'BTC').ok, false, String(bad));
    assert.deepEqual(parseAmount('12.5', 'USD'), { ok: true, value: 1250 });
    assert.deepEqual(parseAmount('12.05', 'USD'), { ok: true, value: 1205 });
    assert.deepEqual(parseAmount('7', 'USD'), { ok: true, value: 700 });
    for (const bad of ['1.234', '-2', '1,50', '.5']) assert.equal(parseAmount(bad, 'USD').ok, false, bad);
  });

  test('a change is a lower, the same, a raise up to the ceiling, or refused above it; no ceiling: no raise', () => {
    const v = view(detail(5000, 'BTC', 'P1D'), detail(10_000, 'BTC', 'P1D'));
    assert.deepEqual(planChange(v, '2000'), { ok: true, value: { kind: 'lower', amount: 2000 } });
    assert.deepEqual(planChange(v, '5000'), { ok: true, value: { kind: 'same', amount: 5000 } });
    assert.deepEqual(planChange(v, '10000'), { ok: true, value: { kind: 'raise', amount: 10_000 } });
    assert.deepEqual(planChange(v, '10001'), { ok: false, error: { is: 'above', ceiling: 10_000, currency: 'BTC' } });
    const none = view(detail(5000, 'BTC', 'P1D'), null);
    assert.equal(ceilingOf(none), 5000);
    assert.deepEqual(planChange(none, '5001'), { ok: false, error: { is: 'above', ceiling: 5000, currency: 'BTC' } });
    assert.deepEqual(planChange(view(null, null), '10'), { ok: false, error: { is: 'noBudget' } });
  });

  test('the budget in words, English and Spanish', () => {
    const price = 10_000_000; // $100,000 per bitcoin, in cents
    assert.equal(inLocale('en', () => budgetWords(detail(5000, 'BTC', 'P1D', 1000), price)), 'up to 5,000 sats (≈ $5.00) per day, at most 1,000 sats per payment');
    assert.equal(inLocale('en', () => budgetWords(detail(5000, 'USD', 'P1W'), price)), 'up to $50.00 per week');
    assert.equal(inLocale('en', () => budgetWords(detail(21, 'BTC', null), undefined)), 'up to 21 sats in total');
    assert.match(inLocale('en', () => budgetWords(detail(0, 'BTC', 'P1M'), price)), /^no sending/);
    assert.match(inLocale('en', () => budgetWords(null, price)), /^no limit/);
    assert.match(inLocale('es', () => budgetWords(detail(5000, 'BTC', 'P1D', 1000), price)), /^hasta 5.000 sats \(≈ (US\$|USD\s)5\.00\) por día, como máximo 1.000 sats por pago$/);
    assert.match(inLocale('es', () => budgetWords(detail(5000, 'USD', 'P1M'), price)), /^hasta (US\$|USD\s)50\.00 por mes$/);
  });

  test('the chart: thirty bars, its title and description; no table without spend', () => {
    const quiet = inLocale('en', () => spendChart(view(detail(5000, 'BTC', 'P1D'), null), 'BTC', 'budget-9').__html);
    assert.equal((quiet.match(/<rect /g) ?? []).length, 30);
    assert.match(quiet, /<title id="budget-9-t">Spend per day over the last 30 days<\/title><desc id="budget-9-d">Nothing spent in the last 30 days\.<\/desc>/);
    assert.doesNotMatch(quiet, /<table/);
    const v = view(detail(5000, 'BTC', 'P1D'), null);
    const busy = { ...v, daily: v.daily.map((d, i) => ({ ...d, amount: i === 29 ? 300 : i === 10 ? 100 : 0 })) };
    const html = inLocale('en', () => spendChart(busy, 'BTC', 'budget-1').__html);
    assert.match(html, /400 sats in the last 30 days; the most in one day: 300 sats\./);
    assert.equal((html.match(/<tr><td>/g) ?? []).length, 2, 'only the days with spend in the table');
  });
});
