// Admin pages: the review queue (every detail of each pending application, approve / reject with a
// reason), the apps in service (suspend / reactivate), and the audit log.
import { copyable as copyButton } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { currentWeb } from '../../web/web-context.ts';
import { AUTH_METHOD_LABELS, changedFields, detailsOf, type Application, type DetailField } from '../domain/application.ts';
import type { AuditEntry } from '../services/portal-store.ts';
import { badge } from './apps-pages.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

const FIELD_LABELS: Record<DetailField, string> = { name: 'Name', purpose: 'Purpose', website: 'Website', logoUri: 'Logo', policyUri: 'Privacy policy', tosUri: 'Terms', scopes: 'Permissions', redirectUris: 'Callback URLs', authMethod: 'Client type', dpopBound: 'DPoP-bound tokens' };
const shown = (v: string | boolean | readonly string[] | undefined): string => (typeof v === 'object' ? v.join(', ') || '—' : typeof v === 'string' ? v || '—' : v ? 'yes' : 'no');

/** For a change to a live app: what the consent screen and the client show now, next to what is asked. */
function changes(a: Application): SafeHtml {
  if (!a.approved) return html``;
  const fields = changedFields(a.approved, detailsOf(a));
  return html`<div class="alert info" role="status"><strong>Change to a live app.</strong> Until approved, the client keeps its approved values:
<ul class="changes">${fields.map((f) => html`<li>${FIELD_LABELS[f]}: <del>${shown(a.approved![f])}</del> → <ins>${shown(a[f])}</ins></li>`)}</ul></div>`;
}

const versionInput = (a: Application): SafeHtml => html`<input type="hidden" name="version" value="${String(a.version)}">`;

function details(a: Application, owner: string): SafeHtml {
  return html`${changes(a)}<dl class="details">
<dt>Developer</dt><dd>${owner}</dd>
<dt>Purpose</dt><dd>${a.purpose}</dd>
<dt>Website</dt><dd>${a.website}</dd>
<dt>Logo</dt><dd>${a.logoUri || '—'}</dd>
<dt>Privacy policy</dt><dd>${a.policyUri || '—'}</dd>
<dt>Terms</dt><dd>${a.tosUri || '—'}</dd>
<dt>Permissions</dt><dd>${a.scopes.join(', ')}${a.approved ? html` (approved now: ${a.approved.scopes.join(', ') || 'none'})` : ''}</dd>
<dt>Callback URLs</dt><dd>${a.redirectUris.map((u) => html`<div><code>${u}</code></div>`)}</dd>
<dt>Client type</dt><dd>${AUTH_METHOD_LABELS[a.authMethod]}</dd>
<dt>DPoP-bound tokens</dt><dd>${a.dpopBound ? 'yes' : 'no'}</dd>
<dt>Client ID</dt><dd>${a.clientId ? html`<code>${a.clientId}</code>` : 'created on approval'}</dd>
<dt>Submitted</dt><dd>${formatDate(a.updatedAt)}</dd>
</dl>`;
}

export function adminQueueBody(o: { pending: Application[]; live: Application[]; owners: Map<string, string>; form: FormToken; rejectError?: { id: string; message: string } }): SafeHtml {
  return html`<section class="card" aria-labelledby="queue-h">
<h1 id="queue-h">Review queue</h1>
${o.pending.length ? '' : html`<p>No application is waiting for review.</p>`}
${o.pending.map(
  (a) => html`<article class="queue-item" aria-labelledby="q-${a.id}">
<h2 id="q-${a.id}">${a.name} ${badge(a)}</h2>
${details(a, o.owners.get(a.ownerId) ?? a.ownerId)}
<div class="inline-actions"><a class="button primary" href="/admin/apps/${a.id}/approve?version=${String(a.version)}" aria-label="Approve ${a.name}">Approve</a></div>
<form method="post" action="/admin/apps/${a.id}/reject" class="reject-form" novalidate>${csrfInput(o.form)}${versionInput(a)}
<div class="field"><label for="reason-${a.id}">Reason for rejecting ${a.name}</label><input type="text" id="reason-${a.id}" name="reason" maxlength="500"${
    o.rejectError?.id === a.id ? html` aria-invalid="true" aria-describedby="reason-${a.id}-error"` : ''
  }>${o.rejectError?.id === a.id ? html`<span class="field-error" id="reason-${a.id}-error">${o.rejectError.message}</span>` : ''}</div>
<div class="inline-actions"><button class="button secondary" type="submit" aria-label="Reject ${a.name}">Reject</button></div></form>
</article>`,
)}
</section>
<section class="card" aria-labelledby="live-h">
<h2 id="live-h">Apps in service</h2>
${
  o.live.length
    ? html`<table class="list"><thead><tr><th scope="col">App</th><th scope="col">Developer</th><th scope="col">Client ID</th><th scope="col">Status</th><th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${o.live.map(
  (a) => html`<tr><td data-label="App">${a.name}</td><td data-label="Developer">${o.owners.get(a.ownerId) ?? a.ownerId}</td><td data-label="Client ID">${a.clientId ? copyButton({ id: `live-client-id-${a.id}`, value: a.clientId, what: `${a.name} client ID` }) : ''}</td><td data-label="Status">${badge(a)}</td><td class="actions-col">${
    a.status === 'approved'
      ? html`<a class="button link" href="/admin/apps/${a.id}/suspend" aria-label="Suspend ${a.name}">Suspend</a>`
      : a.status === 'suspended'
        ? html`<form method="post" action="/admin/apps/${a.id}/reactivate">${csrfInput(o.form)}<button class="button link" type="submit" aria-label="Reactivate ${a.name}">Reactivate</button></form>`
        : ''
  }</td></tr>`,
)}
</tbody></table>`
    : html`<p class="muted">No approved app yet.</p>`
}
</section>`;
}

export function auditBody(entries: AuditEntry[]): SafeHtml {
  return html`<section class="card" aria-labelledby="audit-h">
<h1 id="audit-h">Audit log</h1>
<p class="lead">Every admin action, newest first.</p>
${
  entries.length
    ? html`<table class="list"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr><td data-label="When">${formatDate(e.at)}</td><td data-label="Who">${e.actorEmail}</td><td data-label="What"><code>${e.action}</code></td><td data-label="Target"><code>${e.target}</code></td><td data-label="Details">${Object.entries(e.details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join('; ')}</td></tr>`,
)}
</tbody></table>`
    : html`<p>No admin action yet.</p>`
}
</section>`;
}

export function signInBody(o: { error?: string }): SafeHtml {
  return html`<section class="card" aria-labelledby="signin-h">
<h1 id="signin-h">${currentWeb().theme.name} for developers</h1>
<p class="lead">Register OAuth2 apps, manage your API keys and the apps connected to your wallet.</p>
${o.error ? html`<div class="alert error" role="alert">${o.error}</div>` : ''}
<div class="actions"><a class="button primary" href="/auth/login">Sign in with ${currentWeb().theme.name}</a></div>
</section>`;
}

export function messageBody(o: { title: string; message: string; back?: { href: string; label: string } }): SafeHtml {
  return html`<section class="card" aria-labelledby="msg-h"><h1 id="msg-h">${o.title}</h1><p>${o.message}</p>${
    o.back ? html`<div class="inline-actions"><a class="button secondary" href="${o.back.href}">${o.back.label}</a></div>` : ''
  }</section>`;
}
