// The consent screen's spending limit (issue 15): what the app asks in plain words, and two number fields the
// person may lower (never above the asked values: `max` in the browser, checked again by the route).
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { formatAmount } from '../../web/format.ts';
import { tb } from '../budget-messages.ts';
import { describeBudget, inputValue, periodKey, type BudgetField, type BudgetInput, type BudgetProblem } from '../budget.ts';

export const BUDGET_FIELD_IDS: Record<BudgetField, string> = { amount: 'budget-amount', perPayment: 'budget-per-payment' };

export interface BudgetView {
  app: string;
  asked: WalletSpendDetail;
  centsPerBtc: number | undefined;
  /** What the person typed, on a page shown again after a refusal. */
  typed?: BudgetInput;
  problems?: readonly BudgetProblem[];
}

function numberField(o: { field: BudgetField; name: string; label: string; max: number; value: string; asked: WalletSpendDetail; problem?: string }): SafeHtml {
  const id = BUDGET_FIELD_IDS[o.field];
  const { currency } = o.asked.limit;
  const described = `${id}-hint${o.problem ? ` ${id}-error` : ''}`;
  return html`<div class="field">
<label for="${id}">${o.label} (${tb(`budget.unit.${currency}`)})</label>
<input id="${id}" name="${o.name}" type="number" min="0" max="${inputValue(o.max, currency)}" step="${currency === 'BTC' ? '1' : '0.01'}" inputmode="${currency === 'BTC' ? 'numeric' : 'decimal'}" value="${o.value}" aria-describedby="${described}"${o.problem ? html` aria-invalid="true"` : ''}>
<span class="hint" id="${id}-hint">${tb('budget.hint', { max: formatAmount(o.max, currency) })}</span>
${o.problem ? html`<span class="hint" id="${id}-error"><strong>${o.problem}</strong></span>` : ''}
</div>`;
}

export function budgetFieldset(v: BudgetView): SafeHtml {
  const { asked } = v;
  const problem = (field: BudgetField) => v.problems?.find((p) => p.field === field)?.message;
  const cap = asked.per_payment_max;
  const words = describeBudget(asked, v.centsPerBtc);
  return html`<fieldset class="plain budget">
<legend><h2>${tb('budget.legend')}</h2></legend>
<p class="budget-words"><strong>${asked.limit.amount === 0 ? tb('budget.askedNone', { app: v.app, budget: words }) : tb('budget.asked', { app: v.app, budget: words })}</strong></p>
${asked.limit.amount === 0 ? '' : html`${numberField({
    field: 'amount',
    name: 'budget_amount',
    label: tb(`budget.amount.${periodKey(asked)}`),
    max: asked.limit.amount,
    value: v.typed?.amount ?? inputValue(asked.limit.amount, asked.limit.currency),
    asked,
    problem: problem('amount'),
  })}
${cap === null ? '' : numberField({ field: 'perPayment', name: 'budget_per_payment', label: tb('budget.perPaymentLabel'), max: cap, value: v.typed?.perPayment ?? inputValue(cap, asked.limit.currency), asked, problem: problem('perPayment') })}
${asked.period ? html`<p class="muted small">${tb('budget.resets')}</p>` : ''}`}
</fieldset>`;
}
