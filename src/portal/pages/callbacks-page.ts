// Callback endpoints (issue 14): the account's endpoints with their state (a disabled one says why),
// recent deliveries (status, attempts, response code) with "Replay", "Send test event", rotate, delete,
// and a form to add one. A new or rotated secret is shown once, on the answer to its form.
import { html, type SafeHtml } from '../../web/html.ts';
import type { DeliveryView, Endpoint } from '../../webhooks/webhooks-service.ts';
import { copyable } from './apps-pages.ts';
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
  if (!deliveries.length) return html`<p class="muted">No deliveries yet.</p>`;
  return html`<table class="list"><caption class="visually-hidden">Recent deliveries to ${endpointUrl}</caption><thead><tr><th scope="col">Event</th><th scope="col">webhook-id</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Created</th><th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${deliveries.map(
  (d) => html`<tr><td data-label="Event">${d.type}</td><td data-label="webhook-id"><code>${d.messageId}</code></td><td data-label="Status">${d.status}${d.status === 'pending' && d.attempts ? html` <span class="small muted">(next ${formatDate(d.nextAttemptAt)})</span>` : ''}</td><td data-label="Attempts">${String(d.attempts)}</td><td data-label="Response">${d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td><td data-label="Created">${formatDate(d.createdAt)}</td><td class="actions-col">${post(form, `/callbacks/deliveries/${d.id}/replay`, 'Replay', `Replay ${d.type} ${d.messageId}`)}</td></tr>`,
)}
</tbody></table>`;
}

function endpointCard(e: Endpoint, deliveries: DeliveryView[], o: CallbacksView): SafeHtml {
  const secret = o.secret?.endpointId === e.id ? o.secret.value : undefined;
  return html`<section class="card" aria-label="Endpoint ${e.url}">
<h2><code>${e.url}</code></h2>
<p>${e.disabledAt ? html`<strong>Disabled</strong> since ${formatDate(e.disabledAt)}: ${e.disabledReason ?? ''}` : html`Active`} · registered ${formatDate(e.createdAt)} by ${e.clientId ? html`the app <code>${e.clientId}</code>` : 'you'} · last success ${formatDate(e.lastSuccessAt)}</p>
${secret ? html`<div class="secret-box" role="region" aria-label="Signing secret"><strong>Signing secret — copy it now. It is shown only this once.</strong><div class="inline-actions">${copyable(`secret-${e.id}`, secret, 'signing secret')}</div></div>` : ''}
<div class="inline-actions">
${e.disabledAt ? post(o.form, `/callbacks/${e.id}/enable`, 'Enable', `Enable ${e.url}`, 'primary') : post(o.form, `/callbacks/${e.id}/test`, 'Send test event', `Send a test event to ${e.url}`)}
${post(o.form, `/callbacks/${e.id}/rotate`, 'Rotate secret', `Rotate the secret of ${e.url}`)}
${post(o.form, `/callbacks/${e.id}/delete`, 'Delete', `Delete ${e.url}`, 'danger')}
</div>
<h3>Recent deliveries</h3>
${deliveriesTable(deliveries, o.form, e.url)}
</section>`;
}

export function callbacksBody(o: CallbacksView): SafeHtml {
  return html`<section class="card" aria-labelledby="callbacks-h">
<h1 id="callbacks-h">Callback endpoints</h1>
<p class="lead">Your wallet POSTs payment events (payment.received, payment.sent, invoice.paid) to these URLs, signed per Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>). Verify each with the endpoint's secret and deduplicate by <code>webhook-id</code>.</p>
${o.error ? html`<div class="alert error" role="alert">${o.error}</div>` : ''}
${o.endpoints.length ? '' : html`<p class="muted">No endpoints yet.</p>`}
</section>
${o.endpoints.map(({ endpoint, deliveries }) => endpointCard(endpoint, deliveries, o))}
<section class="card" aria-labelledby="new-endpoint-h">
<h2 id="new-endpoint-h">Add an endpoint</h2>
<form method="post" action="/callbacks" novalidate>
${csrfInput(o.form)}
${input({ name: 'url', label: 'URL', type: 'url', value: o.url ?? '', maxlength: 2048, required: true, hint: 'https only; private and local addresses are refused.' })}
<div class="inline-actions"><button class="button primary" type="submit">Add endpoint</button></div>
</form>
</section>`;
}
