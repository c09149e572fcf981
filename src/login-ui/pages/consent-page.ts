// The consent screen: who asks (with the signals to trust it or not), for what (in plain words, money-moving
// permissions as warnings), Allow / Deny, and "don't ask again". Raw scope names are for developers only.
import type { ConsentRequest, OAuth2Client } from '../../hydra-port/types.ts';
import { checkbox, errorSummary, hidden } from '../../web/components.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { currentWeb } from '../../web/web-context.ts';
import { t } from '../messages.ts';
import { describeScope } from '../scopes.ts';
import type { Flash } from '../state.ts';
import { appHeader, appName, csrfInput, type FormContext } from './common.ts';
import { BUDGET_FIELD_IDS, budgetFieldset, type BudgetView } from './consent-budget.ts';

const hostOf = (url: string | undefined): string | undefined => (url ? (URL.parse(url)?.host ?? undefined) : undefined);

/** The redirect_uri of this request (from the authorization URL), else the app's only one. */
function redirectHost(request: ConsentRequest): string | undefined {
  const sent = URL.parse(request.request_url, 'http://x')?.searchParams.get('redirect_uri') ?? undefined;
  return hostOf(sent) ?? (request.client.redirect_uris?.length === 1 ? hostOf(request.client.redirect_uris[0]) : undefined);
}

/** Apps the operator reviewed went through the developer portal's review queue. */
const reviewed = (client: OAuth2Client): boolean => typeof client.metadata?.portal_application_id === 'string' && (client.status === undefined || client.status === 'active');

function trustSignals(request: ConsentRequest): SafeHtml {
  const { client } = request;
  const operator = currentWeb().theme.operator;
  const site = hostOf(safeUrl(client.client_uri));
  const back = redirectHost(request);
  const developer = client.contacts?.find((c) => c.trim()) ?? undefined;
  // The badge only where the operator did review (the portal's queue); the operator's own clients get none.
  const badge = reviewed(client) ? html`<li><span class="badge ok">✓ ${t('consent.reviewed', { operator })}</span></li>` : '';
  return html`<ul class="trust">
${badge}
${site ? html`<li>${t('consent.site')} <strong class="breakable">${site}</strong></li>` : ''}
${back ? html`<li>${t('consent.returnsTo')} <strong class="breakable">${back}</strong></li>` : ''}
${developer ? html`<li>${t('consent.developer')} <strong class="breakable">${developer}</strong></li>` : ''}
</ul>`;
}

export function renderConsentPage(o: {
  form: FormContext;
  request: ConsentRequest;
  userLabel: string | undefined;
  flash: Flash;
  /** The spending limit asked with `write` (issue 15), with what the person typed on a page shown again. */
  budget?: Omit<BudgetView, 'app'>;
  /** The scopes ticked and "don't ask again" on a page shown again (else all, and not remembered). */
  ticked?: ReadonlySet<string>;
  remember?: boolean;
}): string {
  const { form, request, flash } = o;
  const name = appName(request.client);
  const items = request.requested_scope.map((scope, i) => {
    const text = describeScope(scope);
    const label = html`<span class="scope-name">${text.title}${text.money ? html` <span class="badge warning">⚠ ${t('consent.moneyBadge')}</span>` : ''}</span>${text.detail ? html`<span class="scope-detail">${text.detail}</span>` : ''}`;
    const cls = text.money ? html` class="money"` : '';
    if (text.fixed) return html`<li${cls}><div class="fixed">${hidden('scope', scope)}<span aria-hidden="true">✓</span><span>${label}</span></div></li>`;
    return html`<li${cls}>${checkbox({ id: `scope-${i}`, name: 'scope', value: scope, label, checked: o.ticked?.has(scope) ?? true })}</li>`;
  });
  const firstBox = request.requested_scope.findIndex((s) => !describeScope(s).fixed);
  const errors = [
    ...(flash.error ? [{ field: firstBox >= 0 ? `scope-${firstBox}` : 'remember', message: flash.error }] : []),
    ...(o.budget?.problems ?? []).map((p) => ({ field: BUDGET_FIELD_IDS[p.field], message: p.message })),
  ];
  return renderPage({
    title: t('consent.title', { app: name }),
    body: html`<section class="card" aria-labelledby="app-title">
${appHeader(request.client, 'app-title', name)}
${trustSignals(request)}
${o.userLabel ? html`<p class="who">${t('consent.signedInAs')}<strong class="breakable">${o.userLabel}</strong></p>` : ''}
${errorSummary(errors)}
<form method="post" action="/consent">
${csrfInput(form)}${hidden('consent_challenge', request.challenge)}
<fieldset class="plain">
<legend><h2>${t('consent.wants', { app: name })}</h2></legend>
<ul class="scopes">${items}</ul>
</fieldset>
${o.budget ? budgetFieldset({ ...o.budget, app: name }) : ''}
${checkbox({ id: 'remember', name: 'remember', label: t('consent.remember', { app: name }), checked: o.remember === true })}
<p class="muted small">${t('consent.takeBack')} <a href="/account">${t('consent.accountSettings')}</a>.</p>
<div class="actions two">
<button type="submit" name="action" value="deny" class="button secondary" formnovalidate>${t('consent.deny')}</button>
<button type="submit" name="action" value="allow" class="button primary">${t('consent.allow')}</button>
</div>
</form>
<details class="dev"><summary>${t('consent.forDevelopers')}</summary>
<p>${t('consent.clientId')} <code>${request.client.client_id}</code></p>
<p>${t('consent.rawScopes')} ${request.requested_scope.map((s, i) => html`${i ? ' ' : ''}<code>${s}</code>`)}</p>
</details>
</section>`,
  });
}
