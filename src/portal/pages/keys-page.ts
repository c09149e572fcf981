// API keys: create (name, expiry, scopes), the new key shown once, lists of active, expired and revoked keys.
import type { ApiKey } from '../../api-keys/domain/api-key.ts';
import { ALL_SCOPES } from '../../api/scopes.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import type { KeyField, KeyLists } from '../app/api-keys.ts';
import { tq } from '../portal-admin-messages.ts';
import type { Problem } from '../domain/application.ts';
import { tp } from '../portal-messages.ts';
import { copyable, problemTexts, scopeLabel, withElement } from './apps-pages.ts';
import { choices, input } from './form.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

export interface KeyFormState {
  values: Record<string, string>;
  errors: Partial<Record<KeyField, readonly Problem[]>>;
  message?: string;
}

function table(keys: ApiKey[], o: { form: FormToken; revocable: boolean; caption: string }): SafeHtml {
  if (!keys.length) return html`<p class="muted">${tq('keys.none')}</p>`;
  return html`<table class="list"><caption class="visually-hidden">${o.caption}</caption><thead><tr><th scope="col">${tq('keys.name')}</th><th scope="col">${tq('keys.key')}</th><th scope="col">${tq('keys.scopes')}</th><th scope="col">${tq('keys.created')}</th><th scope="col">${tq('keys.expires')}</th><th scope="col">${tq('keys.lastUsed')}</th>${o.revocable ? html`<th scope="col" class="actions-col"><span class="visually-hidden">${tq('keys.actions')}</span></th>` : ''}</tr></thead><tbody>
${keys.map(
  (k) => html`<tr><td data-label="${tq('keys.name')}">${k.name}</td><td data-label="${tq('keys.key')}"><code>${k.prefix}_…</code></td><td data-label="${tq('keys.scopes')}">${k.scopes.join(', ')}</td><td data-label="${tq('keys.created')}">${formatDate(k.createdAt)}</td><td data-label="${tq('keys.expires')}">${k.expiresAt ? formatDate(k.expiresAt) : tq('keys.never')}</td><td data-label="${tq('keys.lastUsed')}">${formatDate(k.lastUsedAt)}</td>${
    o.revocable
      ? html`<td class="actions-col"><a class="button link" href="/keys/${k.id}/revoke" aria-label="${tq('keys.revokeName', { name: k.name })}">${tq('keys.revoke')}</a></td>`
      : ''
  }</tr>`,
)}
</tbody></table>`;
}

export function keysBody(o: { lists: KeyLists; form: FormToken; state: KeyFormState; keysById: Map<string, ApiKey> }): SafeHtml {
  const v = o.state.values;
  const e = problemTexts(o.state.errors);
  const fresh = [...o.lists.fresh.entries()];
  return html`<section class="card" aria-labelledby="keys-h">
<h1 id="keys-h">${tq('keys.heading')}</h1>
<p class="lead">${withElement(tq('keys.lead'), 'header', html`<code>X-API-KEY</code>`)}</p>
${fresh.map(
  ([id, key], i) => html`<div class="secret-box" role="region" aria-label="${tq('keys.newRegion')}"><strong>${tq('keys.newOnce', { name: o.keysById.get(id)?.name ?? '' })}</strong>
<div class="inline-actions">${copyable(`new-key-${i}`, key, tq('keys.what'))}</div></div>`,
)}
<h2>${tq('keys.active')}</h2>
${table(o.lists.active, { form: o.form, revocable: true, caption: tq('keys.activeCaption') })}
<h2>${tq('keys.expired')}</h2>
${table(o.lists.expired, { form: o.form, revocable: false, caption: tq('keys.expiredCaption') })}
<h2>${tq('keys.revoked')}</h2>
${table(o.lists.revoked, { form: o.form, revocable: false, caption: tq('keys.revokedCaption') })}
</section>
<section class="card" aria-labelledby="new-key-h">
<h2 id="new-key-h">${tq('keys.create')}</h2>
${o.state.message ? html`<div class="alert error" role="alert">${Object.keys(e).length ? tp('v.correct') : o.state.message}</div>` : ''}
<form method="post" action="/keys" novalidate>
${csrfInput(o.form)}
${input({ name: 'name', label: tq('keys.name'), value: v.name, error: e.name, maxlength: 100, required: true, hint: tq('keys.nameHint') })}
${choices({
  kind: 'radio',
  name: 'expiry',
  label: tq('keys.expires'),
  options: [
    { value: '30', label: tq('keys.in30') },
    { value: '90', label: tq('keys.in90') },
    { value: 'custom', label: tq('keys.custom') },
    { value: 'never', label: tq('keys.never') },
  ],
  selected: [v.expiry ?? '30'],
  error: e.expiry,
})}
${input({ name: 'custom_days', label: tq('keys.customDays'), type: 'number', value: v.custom_days, error: e.custom_days, min: 1, max: 3650 })}
${choices({ kind: 'checkbox', name: 'scopes', label: tq('keys.scopes'), options: ALL_SCOPES.map((s) => ({ value: s, label: scopeLabel(s) })), selected: (v.scopes ?? 'read').split(' '), error: e.scopes })}
<div class="inline-actions"><button class="button primary" type="submit">${tq('keys.submit')}</button></div>
</form>
</section>`;
}
