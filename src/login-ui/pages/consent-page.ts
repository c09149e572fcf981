// The consent screen: who asks, for what (in plain words), Allow / Deny, and "don't ask again".
import type { ConsentRequest } from '../../hydra-port/types.ts';
import { checkbox, hidden } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { describeScope } from '../scopes.ts';
import type { Flash } from '../state.ts';
import { appHeader, appName, csrfInput, type FormContext } from './common.ts';

export function renderConsentPage(o: { form: FormContext; request: ConsentRequest; userLabel: string | undefined; flash: Flash }): string {
  const { form, request, flash } = o;
  const name = appName(request.client);
  const items = request.requested_scope.map((scope, i) => {
    const text = describeScope(scope);
    const label = html`<span class="scope-name">${text.title}</span><span class="scope-id">${scope}</span>${text.detail ? html`<span class="scope-detail">${text.detail}</span>` : ''}`;
    if (text.fixed) return html`<li><div class="fixed">${hidden('scope', scope)}<span aria-hidden="true">✓</span><span>${label}</span></div></li>`;
    return html`<li>${checkbox({ id: `scope-${i}`, name: 'scope', value: scope, label, checked: true })}</li>`;
  });
  return renderPage({
    title: `Allow ${name}?`,
    body: html`<section class="card" aria-labelledby="app-title">
${appHeader(request.client, 'app-title', name)}
${o.userLabel ? html`<p class="who">Signed in as <strong>${o.userLabel}</strong></p>` : ''}
${flash.error ? html`<div class="alert error" role="alert">${flash.error}</div>` : ''}
<form method="post" action="/consent">
${csrfInput(form)}${hidden('consent_challenge', request.challenge)}
<fieldset class="plain">
<legend><h2>${name} wants to</h2></legend>
<ul class="scopes">${items}</ul>
</fieldset>
${checkbox({ id: 'remember', name: 'remember', label: `Don’t ask again for ${name}` })}
<p class="muted small">You can take this access back at any time in your account settings.</p>
<div class="actions two">
<button type="submit" name="action" value="deny" class="button secondary">Deny</button>
<button type="submit" name="action" value="allow" class="button primary">Allow</button>
</div>
</form>
</section>`,
  });
}
