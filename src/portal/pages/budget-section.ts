// A connected app's spending budget in the account area (issue 15): the budget in plain words (sats and ≈ USD at
// the wallet's price), spent and left in the current period, when it starts again, the paused state, a small
// server-rendered chart of the last 30 days (inline SVG with title and description; the numbers in a table for
// screen readers and anyone who wants them) and the forms: change the amount, pause or resume.
import { field } from '../../web/components.ts';
import { formatAmount, formatDate, formatDateTime } from '../../web/format.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import type { BudgetView } from '../../shared/wallet-spend/grant-budgets.ts';
import type { SpendCurrency, WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { amountInput, ceilingOf } from '../app/app-budgets.ts';
import { tb, type BudgetKey } from '../budget-messages.ts';
import { csrfInput, type FormToken } from './shell.ts';

const periodKey = (p: WalletSpendDetail['period']): 'P1D' | 'P1W' | 'P1M' | 'none' => p ?? 'none';

/** Sats in US cents at the price (cents per bitcoin), for "≈ $5.00". */
const satsToCents = (sats: number, priceCents: number) => Math.round((sats * priceCents) / 100_000_000);

/** An amount in the budget's currency, with "≈ $" for sats when the price is known. */
export function amountWords(amount: number, currency: SpendCurrency, priceCents: number | undefined): string {
  const approx = currency === 'BTC' && priceCents ? tb('b.approx', { usd: formatAmount(satsToCents(amount, priceCents), 'USD') }) : '';
  return `${formatAmount(amount, currency)}${approx}`;
}

/** "up to 5,000 sats (≈ $5.00) per day, at most 1,000 sats per payment"; "no limit"; "no sending". */
export function budgetWords(detail: WalletSpendDetail | null, priceCents: number | undefined): string {
  if (!detail) return tb('b.none');
  if (detail.limit.amount === 0) return tb('b.noSending');
  const { amount, currency } = detail.limit;
  const approx = currency === 'BTC' && priceCents ? tb('b.approx', { usd: formatAmount(satsToCents(amount, priceCents), 'USD') }) : '';
  const words = tb('b.upTo', { amount: formatAmount(amount, currency), approx, period: tb(`b.period.${periodKey(detail.period)}` as BudgetKey) });
  return detail.per_payment_max === null ? words : words + tb('b.perPayment', { amount: formatAmount(detail.per_payment_max, currency) });
}

const BAR = 10;
const HEIGHT = 64;

/** 30 bars, one per UTC day; decorative pieces hidden, the whole named by its title and description. */
export function spendChart(view: BudgetView, currency: SpendCurrency, id: string): SafeHtml {
  const days = view.daily.slice(-30);
  const max = Math.max(0, ...days.map((d) => d.amount));
  const total = days.reduce((sum, d) => sum + d.amount, 0);
  const desc = max === 0 ? tb('b.chartEmpty') : tb('b.chartDesc', { total: formatAmount(total, currency), max: formatAmount(max, currency) });
  const width = Math.max(days.length, 1) * BAR;
  const bars = days.map((d, i) => {
    const h = max === 0 ? 0 : Math.max(d.amount > 0 ? 2 : 0, Math.round((d.amount / max) * (HEIGHT - 4)));
    return html`<rect x="${i * BAR + 1}" y="${HEIGHT - h}" width="${BAR - 2}" height="${h}"></rect>`;
  });
  const spent = days.filter((d) => d.amount > 0);
  return html`<figure class="spend-chart">
<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${HEIGHT}" width="${width * 2}" height="${HEIGHT}" preserveAspectRatio="none"><title id="${id}-t">${tb('b.chartTitle')}</title><desc id="${id}-d">${desc}</desc><line x1="0" y1="${HEIGHT - 0.5}" x2="${width}" y2="${HEIGHT - 0.5}"></line>${bars}</svg>
<figcaption class="muted small">${tb('b.chartTitle')}: ${desc}</figcaption>
${
  spent.length
    ? html`<details><summary>${tb('b.tableCaption')}</summary><table class="budget-days"><caption class="visually-hidden">${tb('b.tableCaption')}</caption>
<thead><tr><th scope="col">${tb('b.day')}</th><th scope="col">${tb('b.amount')}</th></tr></thead>
<tbody>${spent.map((d) => html`<tr><td><time datetime="${d.day}">${formatDate(`${d.day}T00:00:00Z`)}</time></td><td>${formatAmount(d.amount, currency)}</td></tr>`)}</tbody></table></details>`
    : ''
}
</figure>`;
}

const capital = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

/** The budget part of one connected app's card; `n` makes its ids unique on the page. */
export function budgetSection(o: { view: BudgetView; clientId: string; appName: string; n: number; form: FormToken; priceCents: number | undefined }): SafeHtml {
  const { view, n } = o;
  const id = `budget-${n}`;
  const detail = view.budget;
  const currency = detail?.limit.currency ?? view.currency ?? 'BTC';
  const period = periodKey(detail?.period ?? null);
  const ceiling = ceilingOf(view);
  const canRaise = detail !== null && ceiling !== null && ceiling > detail.limit.amount;
  return html`<section class="budget" aria-labelledby="${id}-h">
<h3 id="${id}-h">${tb('b.heading')}</h3>
<p class="budget-words"><strong>${capital(budgetWords(detail, o.priceCents))}</strong></p>
${view.paused ? html`<p><span class="badge warning">${tb('b.paused')}</span> ${tb('b.pausedLead')}</p>` : ''}
<dl class="details budget-numbers">
<dt>${tb('b.spent')} ${tb(`b.spentThis.${period}` as BudgetKey)}</dt><dd>${amountWords(view.spent, currency, o.priceCents)}</dd>
${view.remaining !== null ? html`<dt>${tb('b.remaining')}</dt><dd>${amountWords(view.remaining, currency, o.priceCents)}</dd>` : ''}
</dl>
${view.resetsAt ? html`<p class="muted small">${tb('b.resets', { date: formatDateTime(view.resetsAt) })}</p>` : ''}
${spendChart(view, currency, id)}
${
  detail
    ? html`<form method="post" action="/account/apps/budget" class="budget-form" aria-label="${tb('b.change')}: ${o.appName}">${csrfInput(o.form)}<input type="hidden" name="client_id" value="${o.clientId}">
${field({ id: `${id}-amount`, name: 'amount', label: tb('b.newAmount', { unit: tb(`b.unit.${currency}`), period: tb(`b.period.${period}` as BudgetKey) }), value: amountInput(detail.limit.amount, currency), inputmode: currency === 'BTC' ? 'numeric' : 'text', maxlength: 20, hint: canRaise ? tb('b.newAmountHint', { ceiling: formatAmount(ceiling, currency) }) : tb('b.newAmountHintNoRaise') })}
<div class="inline-actions"><button class="button primary" type="submit">${tb('b.save')}</button></div></form>`
    : ''
}
<form method="post" action="/account/apps/budget/pause" class="inline-actions">${csrfInput(o.form)}<input type="hidden" name="client_id" value="${o.clientId}"><input type="hidden" name="paused" value="${view.paused ? 'false' : 'true'}">
<button class="button secondary" type="submit" aria-label="${view.paused ? tb('b.resume') : tb('b.pause')}: ${o.appName}">${view.paused ? tb('b.resume') : tb('b.pause')}</button></form>
</section>`;
}

/** The raise's confirmation: what would change, and the fresh code's field. */
export function raiseConfirmBody(o: { app: string; words: string; to: string; form: FormToken; error?: string | undefined }): SafeHtml {
  return html`<section class="card confirm" aria-labelledby="raise-h">
<h1 id="raise-h">${tb('b.confirmTitle', { app: o.app })}</h1>
<p>${tb('b.confirmWhat', { app: o.app, words: o.words, to: o.to })}</p>
<form method="post" action="/account/apps/budget/confirm">${csrfInput(o.form)}
${field({ id: 'raise-code', name: 'code', label: tb('b.code'), hint: tb('b.codeHint'), error: o.error, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 12, autofocus: true, className: 'totp-code' })}
<div class="inline-actions"><button class="button primary" type="submit">${tb('b.confirm')}</button><a class="button secondary" href="/account/apps">${tb('b.keep')}</a></div>
</form>
</section>`;
}
