// The review queue's part for clients registered through RFC 7591 (issue 16): every detail the registrant
// chose; approve and decline ask first on a page of their own (issue 17 #5).
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { tp } from '../portal-messages.ts';
import { tq } from '../portal-admin-messages.ts';
import { formatDate } from './shell.ts';

const list = (values: readonly string[] | null | undefined): SafeHtml | string => (values?.length ? html`${values.map((v) => html`<div><code>${v}</code></div>`)}` : '—');

export function registrationsSection(o: { clients: OAuth2Client[] }): SafeHtml {
  return html`<section class="card" aria-labelledby="registrations-h">
<h2 id="registrations-h">${tq('reg.heading')}</h2>
<p class="lead">${tq('reg.lead')}</p>
${o.clients.length ? '' : html`<p>${tq('reg.none')}</p>`}
${o.clients.map((c) => {
  const name = c.client_name || c.client_id;
  return html`<article class="queue-item" aria-labelledby="r-${c.client_id}">
<h3 id="r-${c.client_id}">${name}</h3>
<dl class="details">
<dt>${tp('apps.clientId')}</dt><dd><code>${c.client_id}</code></dd>
<dt>${tp('form.website')}</dt><dd>${c.client_uri || '—'}</dd>
<dt>${tq('reg.contacts')}</dt><dd>${(c.contacts ?? []).join(', ') || '—'}</dd>
<dt>${tp('form.permissions')}</dt><dd>${c.scope || '—'}</dd>
<dt>${tq('reg.grantTypes')}</dt><dd>${c.grant_types.join(', ')}</dd>
<dt>${tp('form.callbacks')}</dt><dd>${list(c.redirect_uris)}</dd>
<dt>${tp('form.clientType')}</dt><dd>${c.token_endpoint_auth_method}</dd>
<dt>${tq('reg.links')}</dt><dd>${[c.logo_uri, c.policy_uri, c.tos_uri].filter(Boolean).join(', ') || '—'}</dd>
<dt>${tq('reg.registered')}</dt><dd>${formatDate(c.created_at ? new Date(c.created_at) : null)}</dd>
</dl>
<div class="inline-actions">
<a class="button primary" href="/admin/registrations/${encodeURIComponent(c.client_id)}/approve" aria-label="${tq('reg.approveName', { name })}">${tq('adm.approve')}</a>
<a class="button secondary" href="/admin/registrations/${encodeURIComponent(c.client_id)}/decline" aria-label="${tq('reg.declineName', { name })}">${tq('reg.decline')}</a>
</div>
</article>`;
})}
</section>`;
}
