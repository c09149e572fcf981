// API keys: create (name, expiry, scopes), the new key shown once, lists of active, expired and revoked keys.
import type { ApiKey } from '../../api-keys/domain/api-key.ts';
import { ALL_SCOPES } from '../../api/scopes.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import type { KeyField, KeyLists } from '../app/api-keys.ts';
import { copyable, SCOPE_LABELS } from './apps-pages.ts';
import { choices, input } from './form.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

export interface KeyFormState {
  values: Record<string, string>;
  errors: Partial<Record<KeyField, string>>;
  message?: string;
}

function table(keys: ApiKey[], o: { form: FormToken; revocable: boolean; caption: string }): SafeHtml {
  if (!keys.length) return html`<p class="muted">None.</p>`;
  return html`<table class="list"><caption class="visually-hidden">${o.caption}</caption><thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th>${o.revocable ? html`<th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead><tbody>
${keys.map(
  (k) => html`<tr><td data-label="Name">${k.name}</td><td data-label="Key"><code>${k.prefix}_…</code></td><td data-label="Scopes">${k.scopes.join(', ')}</td><td data-label="Created">${formatDate(k.createdAt)}</td><td data-label="Expires">${k.expiresAt ? formatDate(k.expiresAt) : 'never'}</td><td data-label="Last used">${formatDate(k.lastUsedAt)}</td>${
    o.revocable
      ? html`<td class="actions-col"><a class="button link" href="/keys/${k.id}/revoke" aria-label="Revoke ${k.name}">Revoke</a></td>`
      : ''
  }</tr>`,
)}
</tbody></table>`;
}

export function keysBody(o: { lists: KeyLists; form: FormToken; state: KeyFormState; keysById: Map<string, ApiKey> }): SafeHtml {
  const v = o.state.values;
  const e = o.state.errors;
  const fresh = [...o.lists.fresh.entries()];
  return html`<section class="card" aria-labelledby="keys-h">
<h1 id="keys-h">API keys</h1>
<p class="lead">Use a key with the <code>X-API-KEY</code> header to call the wallet API as yourself, with the scopes you give it.</p>
${fresh.map(
  ([id, key], i) => html`<div class="secret-box" role="region" aria-label="New API key"><strong>New key ${o.keysById.get(id)?.name ?? ''} — copy it now. It is shown only this once.</strong>
<div class="inline-actions">${copyable(`new-key-${i}`, key, 'API key')}</div></div>`,
)}
<h2>Active</h2>
${table(o.lists.active, { form: o.form, revocable: true, caption: 'Active keys' })}
<h2>Expired</h2>
${table(o.lists.expired, { form: o.form, revocable: false, caption: 'Expired keys' })}
<h2>Revoked</h2>
${table(o.lists.revoked, { form: o.form, revocable: false, caption: 'Revoked keys' })}
</section>
<section class="card" aria-labelledby="new-key-h">
<h2 id="new-key-h">Create a key</h2>
${o.state.message ? html`<div class="alert error" role="alert">${o.state.message}</div>` : ''}
<form method="post" action="/keys" novalidate>
${csrfInput(o.form)}
${input({ name: 'name', label: 'Name', value: v.name, error: e.name, maxlength: 100, required: true, hint: 'Where you use it, e.g. "point of sale".' })}
${choices({
  kind: 'radio',
  name: 'expiry',
  label: 'Expires',
  options: [
    { value: '30', label: 'in 30 days' },
    { value: '90', label: 'in 90 days' },
    { value: 'custom', label: 'after a number of days' },
    { value: 'never', label: 'never' },
  ],
  selected: [v.expiry ?? '30'],
  error: e.expiry,
})}
${input({ name: 'custom_days', label: 'Days (for a custom expiry)', type: 'number', value: v.custom_days, error: e.custom_days, min: 1, max: 3650 })}
${choices({ kind: 'checkbox', name: 'scopes', label: 'Scopes', options: ALL_SCOPES.map((s) => ({ value: s, label: SCOPE_LABELS[s] })), selected: (v.scopes ?? 'read').split(' '), error: e.scopes })}
<div class="inline-actions"><button class="button primary" type="submit">Create key</button></div>
</form>
</section>`;
}
