// Callback endpoints (issue 14): the account's endpoints with their state (a disabled one says why),
// recent deliveries (status, attempts, response code) with "Replay", "Send test event", rotate, delete,
// and a form to add one. A new or rotated secret is shown once, on the answer to its form.
import { html, type SafeHtml } from '../../web/html.ts';
import type { DeliveryView, Endpoint } from '../../webhooks/webhooks-service.ts';
import { tq } from '../portal-admin-messages.ts';
import { copyable, withElements } from './apps-pages.ts';
import { input } from './form.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

export interface CallbacksView {
  endpoints: { endpoint: Endpoint; deliveries: DeliveryView[] }[];
  form: FormToken;
  /** A secret just created or rotated, shown this once. */
  secret?: { endpointId: string; value: string } | undefined;
  url?: string;
  error?: string | undefined;
}

const post = (form: FormToken, action: string, label: string, aria: string, kind = 'secondary'): SafeHtml =>
  html`<form method="post" action="${action}" class="inline">${csrfInput(form)}<button type="submit" class="button ${kind}" aria-label="${aria}">${label}</button></form>`;

function deliveriesTable(deliveries: DeliveryView[], form: FormToken, endpointUrl: string): SafeHtml {
  if (!deliveries.length) return html`<p class="muted">${tq('cb.noDeliveries')}</p>`;
  return html`<table class="list"><caption class="visually-hidden">${tq('cb.recentTo', { url: endpointUrl })}</caption><thead><tr><th scope="col">${tq('cb.event')}</th><th scope="col">webhook-id</th><th scope="col">${tq('cb.status')}</th><th scope="col">${tq('cb.attempts')}</th><th scope="col">${tq('cb.response')}</th><th scope="col">${tq('keys.created')}</th><th scope="col" class="actions-col"><span class="visually-hidden">${tq('keys.actions')}</span></th></tr></thead><tbody>
${deliveries.map(
  (d) => html`<tr><td data-label="${tq('cb.event')}">${d.type}</td><td data-label="webhook-id"><code>${d.messageId}</code></td><td data-label="${tq('cb.status')}">${d.status}${d.status === 'pending' && d.attempts ? html` <span class="small muted">${tq('cb.next', { when: formatDate(d.nextAttemptAt) })}</span>` : ''}</td><td data-label="${tq('cb.attempts')}">${String(d.attempts)}</td><td data-label="${tq('cb.response')}">${d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td><td data-label="${tq('keys.created')}">${formatDate(d.createdAt)}</td><td class="actions-col">${post(form, `/callbacks/deliveries/${d.id}/replay`, tq('cb.replay'), `${tq('cb.replay')} ${d.type} ${d.messageId}`)}</td></tr>`,
)}
</tbody></table>`;
}

function endpointCard(e: Endpoint, deliveries: DeliveryView[], o: CallbacksView): SafeHtml {
  const secret = o.secret?.endpointId === e.id ? o.secret.value : undefined;
  return html`<section class="card" aria-label="${tq('cb.endpoint', { url: e.url })}">
<h2><code>${e.url}</code></h2>
<p>${e.disabledAt ? html`<strong>${tq('cb.disabledSince', { when: formatDate(e.disabledAt), reason: e.disabledReason ?? '' })}</strong>` : tq('cb.active')} · ${tq('cb.registered', { when: formatDate(e.createdAt) })} ${e.clientId ? html`${tq('cb.byApp')} <code>${e.clientId}</code>` : tq('cb.byYou')} · ${tq('cb.lastSuccess', { when: formatDate(e.lastSuccessAt) })}</p>
${secret ? html`<div class="secret-box" role="region" aria-label="${tq('cb.secretRegion')}"><strong>${tq('cb.secretOnce')}</strong><div class="inline-actions">${copyable(`secret-${e.id}`, secret, tq('cb.secretWhat'))}</div></div>` : ''}
<div class="inline-actions">
${e.disabledAt ? post(o.form, `/callbacks/${e.id}/enable`, tq('cb.enable'), tq('cb.enableUrl', { url: e.url }), 'primary') : post(o.form, `/callbacks/${e.id}/test`, tq('cb.test'), tq('cb.testUrl', { url: e.url }))}
${post(o.form, `/callbacks/${e.id}/rotate`, tq('cb.rotate'), tq('cb.rotateUrl', { url: e.url }))}
${post(o.form, `/callbacks/${e.id}/delete`, tq('cb.delete'), tq('cb.deleteUrl', { url: e.url }), 'danger')}
</div>
<h3>${tq('cb.recent')}</h3>
${deliveriesTable(deliveries, o.form, e.url)}
</section>`;
}

export function callbacksBody(o: CallbacksView): SafeHtml {
  return html`<section class="card" aria-labelledby="callbacks-h">
<h1 id="callbacks-h">${tq('cb.heading')}</h1>
<p class="lead">${withElements(tq('cb.lead'), { events: html`payment.received, payment.sent, invoice.paid`, headers: html`<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>`, id: html`<code>webhook-id</code>` })}</p>
${o.error ? html`<div class="alert error" role="alert">${o.error}</div>` : ''}
${o.endpoints.length ? '' : html`<p class="muted">${tq('cb.none')}</p>`}
</section>
${o.endpoints.map(({ endpoint, deliveries }) => endpointCard(endpoint, deliveries, o))}
<section class="card" aria-labelledby="new-endpoint-h">
<h2 id="new-endpoint-h">${tq('cb.add')}</h2>
<form method="post" action="/callbacks" novalidate>
${csrfInput(o.form)}
${input({ name: 'url', label: 'URL', type: 'url', value: o.url ?? '', maxlength: 2048, required: true, hint: tq('cb.urlHint') })}
<div class="inline-actions"><button class="button primary" type="submit">${tq('cb.addSubmit')}</button></div>
</form>
</section>`;
}
