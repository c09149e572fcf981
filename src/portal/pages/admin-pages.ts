// Admin pages: the review queue (every detail of each pending application, approve / reject with a
// reason), the apps in service (suspend / reactivate), and the audit log.
import { copyable as copyButton } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { currentWeb } from '../../web/web-context.ts';
import { changedFields, detailsOf, type Application, type ApplicationDetails, type DetailField } from '../domain/application.ts';
import type { AuditEntry } from '../services/portal-store.ts';
import { tp } from '../portal-messages.ts';
import { tq } from '../portal-admin-messages.ts';
import { authMethodLabel, badge, budgetJson, budgetShown, yesNo } from './apps-pages.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

const FIELD_LABELS = { name: 'form.name', purpose: 'form.purpose', website: 'form.website', logoUri: 'app.logo', policyUri: 'app.policy', tosUri: 'app.terms', scopes: 'form.permissions', redirectUris: 'form.callbacks', authMethod: 'form.clientType', dpopBound: 'app.dpop', spendBudgetDefault: 'app.budgetDefault', spendBudgetMax: 'app.budgetMax' } as const satisfies Record<DetailField, string>;
const shown = (v: ApplicationDetails[DetailField]): string =>
  Array.isArray(v) ? v.join(', ') || '—' : typeof v === 'object' ? budgetJson(v) || '—' : typeof v === 'string' ? v || '—' : yesNo(Boolean(v));

/** For a change to a live app: what the consent screen and the client show now, next to what is asked. */
function changes(a: Application): SafeHtml {
  if (!a.approved) return html``;
  const fields = changedFields(a.approved, detailsOf(a));
  return html`<div class="alert info" role="status"><strong>${tq('adm.liveChange')}</strong> ${tq('adm.keepsApproved')}
<ul class="changes">${fields.map((f) => html`<li>${tp(FIELD_LABELS[f])}: <del>${shown(a.approved![f])}</del> → <ins>${shown(a[f])}</ins></li>`)}</ul></div>`;
}

const versionInput = (a: Application): SafeHtml => html`<input type="hidden" name="version" value="${String(a.version)}">`;

function details(a: Application, owner: string): SafeHtml {
  return html`${changes(a)}<dl class="details">
<dt>${tq('adm.developer')}</dt><dd>${owner}</dd>
<dt>${tp('form.purpose')}</dt><dd>${a.purpose}</dd>
<dt>${tp('form.website')}</dt><dd>${a.website}</dd>
<dt>${tp('app.logo')}</dt><dd>${a.logoUri || '—'}</dd>
<dt>${tp('app.policy')}</dt><dd>${a.policyUri || '—'}</dd>
<dt>${tp('app.terms')}</dt><dd>${a.tosUri || '—'}</dd>
<dt>${tp('form.permissions')}</dt><dd>${a.scopes.join(', ')}${a.approved ? html` ${tq('adm.approvedNow', { scopes: a.approved.scopes.join(', ') || tq('adm.none') })}` : ''}</dd>
<dt>${tp('form.callbacks')}</dt><dd>${a.redirectUris.map((u) => html`<div><code>${u}</code></div>`)}</dd>
<dt>${tp('form.clientType')}</dt><dd>${authMethodLabel(a.authMethod)}</dd>
<dt>${tp('app.dpop')}</dt><dd>${yesNo(a.dpopBound)}</dd>
<dt>${tp('app.budgetDefault')}</dt><dd>${budgetShown(a.spendBudgetDefault)}</dd>
<dt>${tp('app.budgetMax')}</dt><dd>${budgetShown(a.spendBudgetMax)}</dd>
<dt>${tp('apps.clientId')}</dt><dd>${a.clientId ? html`<code>${a.clientId}</code>` : tq('adm.onApproval')}</dd>
<dt>${tq('adm.submitted')}</dt><dd>${formatDate(a.updatedAt)}</dd>
</dl>`;
}

export function adminQueueBody(o: { pending: Application[]; live: Application[]; owners: Map<string, string>; form: FormToken; rejectError?: { id: string; message: string } }): SafeHtml {
  return html`<section class="card" aria-labelledby="queue-h">
<h1 id="queue-h">${tq('adm.queue')}</h1>
${o.pending.length ? '' : html`<p>${tq('adm.noPending')}</p>`}
${o.pending.map(
  (a) => html`<article class="queue-item" aria-labelledby="q-${a.id}">
<h2 id="q-${a.id}">${a.name} ${badge(a)}</h2>
${details(a, o.owners.get(a.ownerId) ?? a.ownerId)}
<div class="inline-actions"><a class="button primary" href="/admin/apps/${a.id}/approve?version=${String(a.version)}" aria-label="${tq('adm.approveName', { name: a.name })}">${tq('adm.approve')}</a></div>
<form method="post" action="/admin/apps/${a.id}/reject" class="reject-form" novalidate>${csrfInput(o.form)}${versionInput(a)}
<div class="field"><label for="reason-${a.id}">${tq('adm.reasonFor', { name: a.name })}</label><input type="text" id="reason-${a.id}" name="reason" maxlength="500"${
    o.rejectError?.id === a.id ? html` aria-invalid="true" aria-describedby="reason-${a.id}-error"` : ''
  }>${o.rejectError?.id === a.id ? html`<span class="field-error" id="reason-${a.id}-error">${o.rejectError.message}</span>` : ''}</div>
<div class="inline-actions"><button class="button secondary" type="submit" aria-label="${tq('adm.rejectName', { name: a.name })}">${tq('adm.reject')}</button></div></form>
</article>`,
)}
</section>
<section class="card" aria-labelledby="live-h">
<h2 id="live-h">${tq('adm.live')}</h2>
${
  o.live.length
    ? html`<table class="list"><thead><tr><th scope="col">${tp('apps.app')}</th><th scope="col">${tq('adm.developer')}</th><th scope="col">${tp('apps.clientId')}</th><th scope="col">${tp('apps.status')}</th><th scope="col" class="actions-col"><span class="visually-hidden">${tq('keys.actions')}</span></th></tr></thead><tbody>
${o.live.map(
  (a) => html`<tr><td data-label="${tp('apps.app')}">${a.name}</td><td data-label="${tq('adm.developer')}">${o.owners.get(a.ownerId) ?? a.ownerId}</td><td data-label="${tp('apps.clientId')}">${a.clientId ? copyButton({ id: `live-client-id-${a.id}`, value: a.clientId, what: tp('apps.clientIdOf', { name: a.name }) }) : ''}</td><td data-label="${tp('apps.status')}">${badge(a)}</td><td class="actions-col">${
    a.status === 'approved'
      ? html`<a class="button link" href="/admin/apps/${a.id}/suspend" aria-label="${tq('adm.suspendName', { name: a.name })}">${tq('adm.suspend')}</a>`
      : a.status === 'suspended'
        ? html`<form method="post" action="/admin/apps/${a.id}/reactivate">${csrfInput(o.form)}<button class="button link" type="submit" aria-label="${tq('adm.reactivateName', { name: a.name })}">${tq('adm.reactivate')}</button></form>`
        : ''
  }</td></tr>`,
)}
</tbody></table>`
    : html`<p class="muted">${tq('adm.noLive')}</p>`
}
</section>`;
}

export function auditBody(entries: AuditEntry[]): SafeHtml {
  return html`<section class="card" aria-labelledby="audit-h">
<h1 id="audit-h">${tq('audit.heading')}</h1>
<p class="lead">${tq('audit.lead')}</p>
${
  entries.length
    ? html`<table class="list"><thead><tr><th scope="col">${tq('audit.when')}</th><th scope="col">${tq('audit.who')}</th><th scope="col">${tq('audit.what')}</th><th scope="col">${tq('audit.target')}</th><th scope="col">${tq('audit.details')}</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr><td data-label="${tq('audit.when')}">${formatDate(e.at)}</td><td data-label="${tq('audit.who')}">${e.actorEmail}</td><td data-label="${tq('audit.what')}"><code>${e.action}</code></td><td data-label="${tq('audit.target')}"><code>${e.target}</code></td><td data-label="${tq('audit.details')}">${Object.entries(e.details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join('; ')}</td></tr>`,
)}
</tbody></table>`
    : html`<p>${tq('audit.none')}</p>`
}
</section>`;
}

export function signInBody(o: { error?: string }): SafeHtml {
  return html`<section class="card" aria-labelledby="signin-h">
<h1 id="signin-h">${tq('signin.heading', { name: currentWeb().theme.name })}</h1>
<p class="lead">${tq('signin.lead')}</p>
${o.error ? html`<div class="alert error" role="alert">${o.error}</div>` : ''}
<div class="actions"><a class="button primary" href="/auth/login">${tq('signin.button', { name: currentWeb().theme.name })}</a></div>
</section>`;
}

export function messageBody(o: { title: string; message: string; back?: { href: string; label: string } }): SafeHtml {
  return html`<section class="card" aria-labelledby="msg-h"><h1 id="msg-h">${o.title}</h1><p>${o.message}</p>${
    o.back ? html`<div class="inline-actions"><a class="button secondary" href="${o.back.href}">${o.back.label}</a></div>` : ''
  }</section>`;
}
