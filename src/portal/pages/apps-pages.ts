// The developer's pages: list of apps, the application form, one app (credentials, status, actions),
// its integration guide and the delete confirmation.
import { ALL_SCOPES, type Scope } from '../../api/scopes.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { currentWeb } from '../../web/web-context.ts';
import { AUTH_METHODS, IDENTITY_SCOPES, LIMITS, isConfidential, type AuthMethod, type Application, type FieldErrors, type FieldName, type Problem } from '../domain/application.ts';
import { copyable as copyButton, errorSummary } from '../../web/components.ts';
import { choices, input, textarea } from './form.ts';
import { nextAuthSnippet } from './nextauth-snippet.ts';
import { tp } from '../portal-messages.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

/** A permission with what it allows, in the request's language ("read — see balances and transactions"). */
export const scopeLabel = (s: Scope): string => tp(`scope.${s}`);

/** A client type in words; the token endpoint auth method keeps its API name. */
export const authMethodLabel = (m: AuthMethod): string => (m === 'none' ? tp('method.public') : tp('method.confidential', { method: m }));

/** A translated sentence with elements in the place of its {placeholders} (code elements: API names stay as they are). */
export const withElements = (text: string, elements: Readonly<Record<string, SafeHtml>>): SafeHtml =>
  html`${text.split(/(\{\w+\})/).map((part) => elements[part.slice(1, -1)] ?? part)}`;
export const withElement = (text: string, placeholder: string, element: SafeHtml): SafeHtml => withElements(text, { [placeholder]: element });

export const yesNo = (v: boolean): string => tp(v ? 'yes' : 'no');
/** A registered spending budget (issue 15) as the JSON the form takes; '' for none. */
export const budgetJson = (d: WalletSpendDetail | null | undefined): string => (d ? JSON.stringify(d) : '');
export const budgetShown = (d: WalletSpendDetail | null | undefined): SafeHtml => (d ? html`<code>${budgetJson(d)}</code>` : html`—`);

/** A field's problems in the request's language: "Line 2: Use an https address: http://x" · … */
export function problemText(problems: readonly Problem[] | undefined): string | undefined {
  if (!problems?.length) return undefined;
  return problems
    .map((p) => {
      const said = tp(`v.${p.code}`, p.limit === undefined ? undefined : { limit: String(p.limit) });
      const whole = p.value === undefined ? said : tp('v.withValue', { problem: said, value: p.value });
      return p.line === undefined ? whole : tp('v.line', { n: p.line, problem: whole });
    })
    .join(' · ');
}

/** Every field's problems as text, for the form (each next to its input). */
export const problemTexts = <F extends string>(errors: Partial<Record<F, readonly Problem[]>>): Partial<Record<F, string>> =>
  Object.fromEntries(Object.entries(errors).map(([field, problems]) => [field, problemText(problems as readonly Problem[])])) as Partial<Record<F, string>>;

export const badge = (app: Pick<Application, 'status' | 'clientId'>): SafeHtml =>
  html`<span class="badge ${app.status}">${app.status === 'pending' && app.clientId ? tp('status.changeInReview') : tp(`status.${app.status}`)}</span>`;

export function appsListBody(apps: Application[]): SafeHtml {
  return html`<section class="card" aria-labelledby="apps-h">
<h1 id="apps-h">${tp('apps.heading')}</h1>
<p class="lead">${tp('apps.lead', { name: currentWeb().theme.name })}</p>
${
  apps.length
    ? html`<table class="list"><thead><tr><th scope="col">${tp('apps.app')}</th><th scope="col">${tp('apps.status')}</th><th scope="col">${tp('apps.clientId')}</th><th scope="col">${tp('apps.applied')}</th></tr></thead><tbody>
${apps.map((a) => html`<tr><td data-label="${tp('apps.app')}"><a href="/apps/${a.id}">${a.name}</a></td><td data-label="${tp('apps.status')}">${badge(a)}</td><td data-label="${tp('apps.clientId')}">${a.clientId ? copyButton({ id: `client-id-${a.id}`, value: a.clientId, what: tp('apps.clientIdOf', { name: a.name }) }) : '—'}</td><td data-label="${tp('apps.applied')}">${formatDate(a.createdAt)}</td></tr>`)}
</tbody></table>`
    : html`<p>${tp('apps.none')}</p>`
}
<div class="inline-actions"><a class="button primary" href="/apps/new">${tp('apps.apply')}</a></div>
</section>`;
}

export interface AppFormState {
  values: Record<string, string>;
  errors: FieldErrors;
  message?: string;
}

export const formValues = (a: Application): Record<string, string> => ({
  name: a.name,
  purpose: a.purpose,
  website: a.website,
  logo_uri: a.logoUri,
  policy_uri: a.policyUri,
  tos_uri: a.tosUri,
  scopes: a.scopes.join(' '),
  redirect_uris: a.redirectUris.join('\n'),
  auth_method: a.authMethod,
  dpop_bound: a.dpopBound ? 'on' : '',
  spend_budget_default: budgetJson(a.spendBudgetDefault),
  spend_budget_max: budgetJson(a.spendBudgetMax),
});

/** The form's fields in page order: name, label, and the control the error summary links to (issue 17 #6). */
const FORM_FIELDS = [
  ['name', 'form.name', 'f-name'],
  ['purpose', 'form.purpose', 'f-purpose'],
  ['website', 'form.website', 'f-website'],
  ['logo_uri', 'form.logo', 'f-logo_uri'],
  ['policy_uri', 'form.policy', 'f-policy_uri'],
  ['tos_uri', 'form.tos', 'f-tos_uri'],
  ['scopes', 'form.permissions', 'f-scopes-0'],
  ['redirect_uris', 'form.callbacks', 'f-redirect_uris'],
  ['auth_method', 'form.clientType', 'f-auth_method-0'],
  ['spend_budget_default', 'form.budgetDefault', 'f-spend_budget_default'],
  ['spend_budget_max', 'form.budgetMax', 'f-spend_budget_max'],
] as const satisfies readonly (readonly [FieldName, string, string])[];

export function appFormBody(o: { form: FormToken; state: AppFormState; action: string; editing?: Application }): SafeHtml {
  const v = o.state.values;
  const e = problemTexts(o.state.errors);
  const locked = Boolean(o.editing?.clientId);
  return html`<section class="card" aria-labelledby="form-h">
<h1 id="form-h">${o.editing ? tp('form.editHeading', { name: o.editing.name }) : tp('form.heading')}</h1>
<p class="lead">${
    o.editing?.clientId
      ? tp('form.leadEdit')
      : tp('form.lead')
  }</p>
${o.state.message ? html`<div class="alert error" role="alert">${Object.keys(e).length ? tp('v.correct') : o.state.message}</div>` : ''}
${errorSummary(FORM_FIELDS.filter(([name]) => e[name]).map(([name, label, control]) => ({ field: control, message: `${tp(label)}: ${e[name]}` })))}
<form method="post" action="${o.action}" novalidate>
${csrfInput(o.form)}
${input({ name: 'name', label: tp('form.name'), value: v.name, error: e.name, maxlength: LIMITS.name, required: true })}
${textarea({ name: 'purpose', label: tp('form.purpose'), value: v.purpose, error: e.purpose, hint: tp('form.purposeHint'), maxlength: LIMITS.purpose, required: true })}
${input({ name: 'website', label: tp('form.website'), type: 'url', value: v.website, error: e.website, hint: 'https://…', required: true })}
${input({ name: 'logo_uri', label: tp('form.logoOptional'), type: 'url', value: v.logo_uri, error: e.logo_uri, hint: tp('form.logoHint') })}
${input({ name: 'policy_uri', label: tp('form.policyOptional'), type: 'url', value: v.policy_uri, error: e.policy_uri })}
${input({ name: 'tos_uri', label: tp('form.tosOptional'), type: 'url', value: v.tos_uri, error: e.tos_uri })}
${choices({ kind: 'checkbox', name: 'scopes', label: tp('form.permissions'), options: ALL_SCOPES.map((s) => ({ value: s, label: scopeLabel(s) })), selected: (v.scopes ?? '').split(' '), error: e.scopes, hint: tp('form.permissionsHint', { scopes: IDENTITY_SCOPES.join(' + ') }) })}
${textarea({ name: 'redirect_uris', label: tp('form.callbacks'), value: v.redirect_uris, error: e.redirect_uris, rows: 3, hint: tp('form.callbacksHint'), required: true })}
${
  locked
    ? html`<div class="field"><span class="label">${tp('form.clientType')}</span><p>${authMethodLabel(o.editing!.authMethod)}</p><input type="hidden" name="auth_method" value="${o.editing!.authMethod}">${e.auth_method ? html`<span class="field-error">${e.auth_method}</span>` : ''}</div>`
    : choices({ kind: 'radio', name: 'auth_method', label: tp('form.clientType'), options: AUTH_METHODS.map((m) => ({ value: m, label: authMethodLabel(m) })), selected: [v.auth_method ?? ''], error: e.auth_method, hint: tp('form.clientTypeHint') })
}
${choices({ kind: 'checkbox', name: 'dpop_bound', label: tp('form.dpop'), options: [{ value: 'on', label: tp('form.dpopOption') }], selected: [v.dpop_bound ?? ''], hint: tp('form.dpopHint') })}
${input({ name: 'spend_budget_default', label: tp('form.budgetDefault'), value: v.spend_budget_default, error: e.spend_budget_default, hint: tp('form.budgetHint'), maxlength: 512 })}
${input({ name: 'spend_budget_max', label: tp('form.budgetMax'), value: v.spend_budget_max, error: e.spend_budget_max, maxlength: 512 })}
<div class="inline-actions"><button class="button primary" type="submit">${tp(o.editing ? 'form.save' : 'form.submit')}</button><a class="button secondary" href="${o.editing ? `/apps/${o.editing.id}` : '/apps'}">${tp('form.cancel')}</a></div>
</form>
</section>`;
}

function statusNote(app: Application): SafeHtml {
  switch (app.status) {
    case 'pending':
      return app.clientId
        ? html`<div class="alert info" role="status">${tp('app.changesWaiting', { name: app.approved?.name ?? app.name, scopes: app.approved?.scopes.join(', ') || tp('app.noPermissions') })}</div>`
        : html`<div class="alert info" role="status">${tp('app.waiting')}</div>`;
    case 'rejected':
      return html`<div class="alert error" role="alert">${tp('app.rejected', { reason: app.rejectionReason ?? tp('app.noReason') })}</div>`;
    case 'suspended':
      return html`<div class="alert error" role="alert">${tp('app.suspended')}</div>`;
    case 'approved':
      return app.rejectionReason ? html`<div class="alert info" role="status">${tp('app.declined', { reason: app.rejectionReason })}</div>` : html``;
  }
}

export function copyable(id: string, value: string, label: string): SafeHtml {
  return html`<code id="${id}">${value}</code><button type="button" class="button secondary" data-copy="${id}" aria-label="${tp('copyLabel', { what: label })}">${tp('copy')}</button> <span id="${id}-status" class="small muted" role="status"></span>`;
}

export function appBody(o: { app: Application; secret?: string | undefined; form: FormToken }): SafeHtml {
  const { app } = o;
  const logo = safeUrl(app.logoUri);
  return html`<section class="card" aria-labelledby="app-h">
<div class="app">${logo?.startsWith('https:') ? html`<img class="app-logo" src="${logo}" alt="" width="56" height="56">` : html`<span class="app-logo" aria-hidden="true">${app.name.slice(0, 1).toUpperCase()}</span>`}<div><h1 class="app-name" id="app-h">${app.name}</h1>${badge(app)}</div></div>
${statusNote(app)}
${
  o.secret
    ? html`<div class="secret-box" role="region" aria-label="${tp('app.secretRegion')}"><strong>${tp('app.secretOnce')}</strong>
<div class="inline-actions">${copyable('client-secret', o.secret, tp('app.secretWhat'))}</div>
<span class="small muted">${tp('app.secretStore')}</span></div>`
    : ''
}
${
  app.clientId
    ? html`<h2>${tp('app.credentials')}</h2><dl class="details"><dt>${tp('apps.clientId')}</dt><dd><div class="inline-actions">${copyable('client-id', app.clientId, tp('app.clientIdWhat'))}</div></dd>
<dt>${tp('app.secretRegion')}</dt><dd>${isConfidential(app.authMethod) ? tp(o.secret ? 'app.secretAbove' : 'app.secretHidden') : tp('app.secretNone')}</dd></dl>
${
  isConfidential(app.authMethod) && (app.status === 'approved' || app.status === 'pending')
    ? html`<div class="inline-actions"><a class="button secondary" href="/apps/${app.id}/rotate">${tp('app.rotate')}</a></div>`
    : ''
}`
    : ''
}
<h2>${tp('app.details')}</h2>
<dl class="details">
<dt>${tp('form.purpose')}</dt><dd>${app.purpose}</dd>
<dt>${tp('form.website')}</dt><dd>${app.website}</dd>
<dt>${tp('app.logo')}</dt><dd>${app.logoUri || '—'}</dd>
<dt>${tp('app.policy')}</dt><dd>${app.policyUri || '—'}</dd>
<dt>${tp('app.terms')}</dt><dd>${app.tosUri || '—'}</dd>
<dt>${tp('form.permissions')}</dt><dd>${app.scopes.join(', ')}</dd>
<dt>${tp('form.callbacks')}</dt><dd>${app.redirectUris.map((u) => html`<div><code>${u}</code></div>`)}</dd>
<dt>${tp('form.clientType')}</dt><dd>${authMethodLabel(app.authMethod)}</dd>
<dt>${tp('app.dpop')}</dt><dd>${yesNo(app.dpopBound)}</dd>
<dt>${tp('app.budgetDefault')}</dt><dd>${budgetShown(app.spendBudgetDefault)}</dd>
<dt>${tp('app.budgetMax')}</dt><dd>${budgetShown(app.spendBudgetMax)}</dd>
<dt>${tp('apps.applied')}</dt><dd>${formatDate(app.createdAt)}</dd>
</dl>
<div class="inline-actions">
${app.clientId ? html`<a class="button primary" href="/apps/${app.id}/integration">${tp('app.integration')}</a>` : ''}
${app.status !== 'suspended' ? html`<a class="button secondary" href="/apps/${app.id}/edit">${tp('app.edit')}</a>` : ''}
<a class="button secondary" href="/apps/${app.id}/delete">${tp('app.delete')}</a>
</div>
</section>`;
}

export function deleteBody(o: { app: Application; form: FormToken }): SafeHtml {
  return html`<section class="card" aria-labelledby="del-h">
<h1 id="del-h">${tp('del.heading', { name: o.app.name })}</h1>
<p>${tp(o.app.clientId ? 'del.client' : 'del.withdrawn')} ${tp('del.final')}</p>
<form method="post" action="/apps/${o.app.id}/delete">${csrfInput(o.form)}
<div class="inline-actions"><button class="button danger" type="submit">${tp('del.confirm')}</button><a class="button secondary" href="/apps/${o.app.id}">${tp('del.keep')}</a></div></form>
</section>`;
}

export interface IntegrationUrls {
  issuer: string;
  authorize: string;
  token: string;
  discovery: string;
  api: string;
}

export function integrationBody(o: { app: Application; urls: IntegrationUrls }): SafeHtml {
  const { app, urls } = o;
  const scope = ['openid', ...app.scopes].join(' ');
  const nextAuth = nextAuthSnippet(app, urls);
  const curl = `curl -X POST '${urls.api}/graphql' \\
  -H 'Content-Type: application/json' \\
  -H 'Oauth2-Token: <access token from ${urls.token}>' \\
  -d '{"query":"query { me { id defaultAccount { id wallets { id walletCurrency balance } } } }"}'`;
  const authorizeExample = `${urls.authorize}?response_type=code&client_id=${encodeURIComponent(app.clientId ?? '')}&redirect_uri=${encodeURIComponent(app.redirectUris[0] ?? '')}&scope=${encodeURIComponent(scope)}&state=<random>&code_challenge=<S256 challenge>&code_challenge_method=S256`;
  return html`<section class="card" aria-labelledby="int-h">
<h1 id="int-h">${tp('int.heading', { name: app.name })}</h1>
<p class="lead">${tp('int.lead', { name: currentWeb().theme.name })}</p>
<dl class="details">
<dt>${tp('apps.clientId')}</dt><dd><code>${app.clientId}</code></dd>
<dt>${tp('int.discovery')}</dt><dd><code>${urls.discovery}</code></dd>
<dt>${tp('int.authorize')}</dt><dd><code>${urls.authorize}</code></dd>
<dt>${tp('int.token')}</dt><dd><code>${urls.token}</code></dd>
<dt>${tp('int.tokenAuth')}</dt><dd><code>${app.authMethod}</code></dd>
<dt>${tp('int.scopes')}</dt><dd><code>${scope}</code> ${withElement(tp('int.offline'), 'scope', html`<code>offline_access</code>`)}</dd>
<dt>${tp('int.api')}</dt><dd><code>${urls.api}/graphql</code> ${withElement(tp('int.header'), 'header', html`<code>Oauth2-Token</code>`)}</dd>
</dl>
<h2>${tp('int.request')}</h2>
<pre class="code wrap" id="authorize-example">${authorizeExample}</pre>
<h2>${tp('int.nextauth')}</h2>
<pre class="code" id="nextauth-snippet" tabindex="0">${nextAuth}</pre>
<div class="inline-actions"><button type="button" class="button secondary" data-copy="nextauth-snippet">${tp('int.copySnippet')}</button><span id="nextauth-snippet-status" class="small muted" role="status"></span></div>
<h2>${tp('int.callApi')}</h2>
<pre class="code" id="curl-snippet" tabindex="0">${curl}</pre>
<div class="inline-actions"><button type="button" class="button secondary" data-copy="curl-snippet">${tp('int.copyCurl')}</button><span id="curl-snippet-status" class="small muted" role="status"></span><a class="button secondary" href="/apps/${app.id}">${tp('int.back')}</a></div>
</section>`;
}
