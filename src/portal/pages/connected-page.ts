// Connected apps: the apps the person allowed, with the permissions and the date, and a revoke button.
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import type { ConnectedApp } from '../app/connected-apps.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

export function connectedBody(o: { apps: ConnectedApp[]; form: FormToken; error?: string }): SafeHtml {
  return html`<section class="card" aria-labelledby="conn-h">
<h1 id="conn-h">Connected apps</h1>
<p class="lead">Apps you allowed to use your wallet. Revoking one signs it out at once: its tokens stop working within seconds.</p>
${o.error ? html`<div class="alert error" role="alert">${o.error}</div>` : ''}
${
  o.apps.length
    ? html`<table class="list"><thead><tr><th scope="col">App</th><th scope="col">Permissions</th><th scope="col">Allowed on</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${o.apps.map((a) => {
  const site = safeUrl(a.website);
  return html`<tr><td>${site ? html`<a href="${site}" rel="noopener noreferrer">${a.name}</a>` : a.name}</td><td>${a.scopes.join(', ')}</td><td>${formatDate(a.grantedAt)}</td>
<td><form method="post" action="/connected/revoke">${csrfInput(o.form)}<input type="hidden" name="client_id" value="${a.clientId}"><button class="button link" type="submit" aria-label="Revoke ${a.name}">Revoke</button></form></td></tr>`;
})}
</tbody></table>`
    : html`<p>No app has access to your wallet.</p>`
}
</section>`;
}
