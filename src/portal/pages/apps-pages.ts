// The developer's pages: list of apps, the application form, one app (credentials, status, actions),
// its integration guide and the delete confirmation.
import { ALL_SCOPES, type Scope } from '../../api/scopes.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { currentWeb } from '../../web/web-context.ts';
import { AUTH_METHOD_LABELS, AUTH_METHODS, IDENTITY_SCOPES, LIMITS, STATUS_LABELS, isConfidential, type Application, type FieldErrors, type FieldName } from '../domain/application.ts';
import { copyable as copyButton, errorSummary } from '../../web/components.ts';
import { choices, input, textarea } from './form.ts';
import { nextAuthSnippet } from './nextauth-snippet.ts';
import { csrfInput, formatDate, type FormToken } from './shell.ts';

export const SCOPE_LABELS: Record<Scope, string> = {
  read: 'read — see balances and transactions',
  receive: 'receive — create invoices and addresses',
  write: 'write — send payments and change settings',
};

export const badge = (app: Pick<Application, 'status' | 'clientId'>): SafeHtml =>
  html`<span class="badge ${app.status}">${app.status === 'pending' && app.clientId ? 'Change in review' : STATUS_LABELS[app.status]}</span>`;

export function appsListBody(apps: Application[]): SafeHtml {
  return html`<section class="card" aria-labelledby="apps-h">
<h1 id="apps-h">Your OAuth2 apps</h1>
<p class="lead">Apps sign people in with ${currentWeb().theme.name} and call the wallet API on their behalf, with the permissions they grant.</p>
${
  apps.length
    ? html`<table class="list"><thead><tr><th scope="col">App</th><th scope="col">Status</th><th scope="col">Client ID</th><th scope="col">Applied</th></tr></thead><tbody>
${apps.map((a) => html`<tr><td data-label="App"><a href="/apps/${a.id}">${a.name}</a></td><td data-label="Status">${badge(a)}</td><td data-label="Client ID">${a.clientId ? copyButton({ id: `client-id-${a.id}`, value: a.clientId, what: `${a.name} client ID` }) : '—'}</td><td data-label="Applied">${formatDate(a.createdAt)}</td></tr>`)}
</tbody></table>`
    : html`<p>You have no apps yet.</p>`
}
<div class="inline-actions"><a class="button primary" href="/apps/new">Apply for an app</a></div>
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
});

/** The form's fields in page order: name, label, and the control the error summary links to (issue 17 #6). */
const FORM_FIELDS: readonly (readonly [FieldName, string, string])[] = [
  ['name', 'App name', 'f-name'],
  ['purpose', 'Purpose', 'f-purpose'],
  ['website', 'Website', 'f-website'],
  ['logo_uri', 'Logo URL', 'f-logo_uri'],
  ['policy_uri', 'Privacy policy URL', 'f-policy_uri'],
  ['tos_uri', 'Terms of service URL', 'f-tos_uri'],
  ['scopes', 'Permissions', 'f-scopes-0'],
  ['redirect_uris', 'Callback URLs', 'f-redirect_uris'],
  ['auth_method', 'Client type', 'f-auth_method-0'],
];

export function appFormBody(o: { form: FormToken; state: AppFormState; action: string; editing?: Application }): SafeHtml {
  const v = o.state.values;
  const e = o.state.errors;
  const locked = Boolean(o.editing?.clientId);
  return html`<section class="card" aria-labelledby="form-h">
<h1 id="form-h">${o.editing ? html`Edit ${o.editing.name}` : 'Apply for an OAuth2 app'}</h1>
<p class="lead">${
    o.editing?.clientId
      ? 'Changes go to review: the app keeps working with its approved details (name, logo, links, callback URLs, permissions) until an operator approves them. Removing permissions or callback URLs applies at once.'
      : 'An operator reviews every application. Once approved you get a client ID and, for confidential clients, a secret.'
  }</p>
${o.state.message ? html`<div class="alert error" role="alert">${o.state.message}</div>` : ''}
${errorSummary(FORM_FIELDS.filter(([name]) => e[name]).map(([name, label, control]) => ({ field: control, message: `${label}: ${e[name]}` })))}
<form method="post" action="${o.action}" novalidate>
${csrfInput(o.form)}
${input({ name: 'name', label: 'App name', value: v.name, error: e.name, maxlength: LIMITS.name, required: true })}
${textarea({ name: 'purpose', label: 'Purpose', value: v.purpose, error: e.purpose, hint: 'What the app does, and why it needs these permissions.', maxlength: LIMITS.purpose, required: true })}
${input({ name: 'website', label: 'Website', type: 'url', value: v.website, error: e.website, hint: 'https://…', required: true })}
${input({ name: 'logo_uri', label: 'Logo URL (optional)', type: 'url', value: v.logo_uri, error: e.logo_uri, hint: 'A square image over https, shown on the consent screen.' })}
${input({ name: 'policy_uri', label: 'Privacy policy URL (optional)', type: 'url', value: v.policy_uri, error: e.policy_uri })}
${input({ name: 'tos_uri', label: 'Terms of service URL (optional)', type: 'url', value: v.tos_uri, error: e.tos_uri })}
${choices({ kind: 'checkbox', name: 'scopes', label: 'Permissions', options: ALL_SCOPES.map((s) => ({ value: s, label: SCOPE_LABELS[s] })), selected: (v.scopes ?? '').split(' '), error: e.scopes, hint: `Every app also gets ${IDENTITY_SCOPES.join(' and ')} (sign-in and refresh tokens).` })}
${textarea({ name: 'redirect_uris', label: 'Callback URLs', value: v.redirect_uris, error: e.redirect_uris, rows: 3, hint: 'One per line. https, or http only on localhost or 127.0.0.1.', required: true })}
${
  locked
    ? html`<div class="field"><span class="label">Client type</span><p>${AUTH_METHOD_LABELS[o.editing!.authMethod]}</p><input type="hidden" name="auth_method" value="${o.editing!.authMethod}">${e.auth_method ? html`<span class="field-error">${e.auth_method}</span>` : ''}</div>`
    : choices({ kind: 'radio', name: 'auth_method', label: 'Client type', options: AUTH_METHODS.map((m) => ({ value: m, label: AUTH_METHOD_LABELS[m] })), selected: [v.auth_method ?? ''], error: e.auth_method, hint: 'Confidential: a server that keeps a secret. Public: a browser or mobile app, which must use PKCE.' })
}
${choices({ kind: 'checkbox', name: 'dpop_bound', label: 'Sender-constrained tokens', options: [{ value: 'on', label: 'Bind every access token to a key of my app (DPoP, RFC 9449)' }], selected: [v.dpop_bound ?? ''], hint: 'A stolen token is then useless without the key. Your app must send a DPoP proof with each token request and API call (openid-client and the SDK do).' })}
<div class="inline-actions"><button class="button primary" type="submit">${o.editing ? 'Save changes' : 'Submit application'}</button><a class="button secondary" href="${o.editing ? `/apps/${o.editing.id}` : '/apps'}">Cancel</a></div>
</form>
</section>`;
}

function statusNote(app: Application): SafeHtml {
  switch (app.status) {
    case 'pending':
      return app.clientId
        ? html`<div class="alert info" role="status">Your changes are waiting for review. Until then people see the approved name ${app.approved?.name ?? app.name}, and the app keeps working with: ${app.approved?.scopes.join(', ') || 'no wallet permissions'}.</div>`
        : html`<div class="alert info" role="status">Your application is waiting for review. You will find your credentials here once it is approved.</div>`;
    case 'rejected':
      return html`<div class="alert error" role="alert">Rejected: ${app.rejectionReason ?? 'no reason given'}. You can edit the application and submit it again.</div>`;
    case 'suspended':
      return html`<div class="alert error" role="alert">This app is suspended: its tokens were revoked and it cannot sign anyone in. Contact the operators.</div>`;
    case 'approved':
      return app.rejectionReason ? html`<div class="alert info" role="status">Your last change was declined: ${app.rejectionReason}</div>` : html``;
  }
}

export function copyable(id: string, value: string, label: string): SafeHtml {
  return html`<code id="${id}">${value}</code><button type="button" class="button secondary" data-copy="${id}" aria-label="Copy ${label}">Copy</button> <span id="${id}-status" class="small muted" role="status"></span>`;
}

export function appBody(o: { app: Application; secret?: string | undefined; form: FormToken }): SafeHtml {
  const { app } = o;
  const logo = safeUrl(app.logoUri);
  return html`<section class="card" aria-labelledby="app-h">
<div class="app">${logo?.startsWith('https:') ? html`<img class="app-logo" src="${logo}" alt="" width="56" height="56">` : html`<span class="app-logo" aria-hidden="true">${app.name.slice(0, 1).toUpperCase()}</span>`}<div><h1 class="app-name" id="app-h">${app.name}</h1>${badge(app)}</div></div>
${statusNote(app)}
${
  o.secret
    ? html`<div class="secret-box" role="region" aria-label="Client secret"><strong>Your client secret — copy it now. It is shown only this once.</strong>
<div class="inline-actions">${copyable('client-secret', o.secret, 'client secret')}</div>
<span class="small muted">Store it in your server's secret store. If you lose it, rotate it to get a new one.</span></div>`
    : ''
}
${
  app.clientId
    ? html`<h2>Credentials</h2><dl class="details"><dt>Client ID</dt><dd><div class="inline-actions">${copyable('client-id', app.clientId, 'client ID')}</div></dd>
<dt>Client secret</dt><dd>${isConfidential(app.authMethod) ? (o.secret ? 'shown above, only this once' : 'hidden (shown once after approval or rotation)') : 'none: a public client uses PKCE'}</dd></dl>
${
  isConfidential(app.authMethod) && (app.status === 'approved' || app.status === 'pending')
    ? html`<div class="inline-actions"><a class="button secondary" href="/apps/${app.id}/rotate">Rotate secret</a></div>`
    : ''
}`
    : ''
}
<h2>Details</h2>
<dl class="details">
<dt>Purpose</dt><dd>${app.purpose}</dd>
<dt>Website</dt><dd>${app.website}</dd>
<dt>Logo</dt><dd>${app.logoUri || '—'}</dd>
<dt>Privacy policy</dt><dd>${app.policyUri || '—'}</dd>
<dt>Terms</dt><dd>${app.tosUri || '—'}</dd>
<dt>Permissions</dt><dd>${app.scopes.join(', ')}</dd>
<dt>Callback URLs</dt><dd>${app.redirectUris.map((u) => html`<div><code>${u}</code></div>`)}</dd>
<dt>Client type</dt><dd>${AUTH_METHOD_LABELS[app.authMethod]}</dd>
<dt>DPoP-bound tokens</dt><dd>${app.dpopBound ? 'yes' : 'no'}</dd>
<dt>Applied</dt><dd>${formatDate(app.createdAt)}</dd>
</dl>
<div class="inline-actions">
${app.clientId ? html`<a class="button primary" href="/apps/${app.id}/integration">Integration guide</a>` : ''}
${app.status !== 'suspended' ? html`<a class="button secondary" href="/apps/${app.id}/edit">Edit</a>` : ''}
<a class="button secondary" href="/apps/${app.id}/delete">Delete</a>
</div>
</section>`;
}

export function deleteBody(o: { app: Application; form: FormToken }): SafeHtml {
  return html`<section class="card" aria-labelledby="del-h">
<h1 id="del-h">Delete ${o.app.name}?</h1>
<p>${o.app.clientId ? 'Its client is deleted and every token it holds is revoked at once: people signed in through it are signed out of the app.' : 'The application is withdrawn.'} This cannot be undone.</p>
<form method="post" action="/apps/${o.app.id}/delete">${csrfInput(o.form)}
<div class="inline-actions"><button class="button danger" type="submit">Delete the app</button><a class="button secondary" href="/apps/${o.app.id}">Keep it</a></div></form>
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
<h1 id="int-h">Integrate ${app.name}</h1>
<p class="lead">${currentWeb().theme.name} speaks OAuth 2.0 and OpenID Connect at Ory Hydra's paths. Use the authorization code flow with PKCE.</p>
<dl class="details">
<dt>Client ID</dt><dd><code>${app.clientId}</code></dd>
<dt>Discovery URL</dt><dd><code>${urls.discovery}</code></dd>
<dt>Authorize endpoint</dt><dd><code>${urls.authorize}</code></dd>
<dt>Token endpoint</dt><dd><code>${urls.token}</code></dd>
<dt>Token auth</dt><dd><code>${app.authMethod}</code></dd>
<dt>Scopes</dt><dd><code>${scope}</code> (add <code>offline_access</code> for a refresh token)</dd>
<dt>Wallet API</dt><dd><code>${urls.api}/graphql</code> with the header <code>Oauth2-Token</code></dd>
</dl>
<h2>Authorization request</h2>
<pre class="code wrap" id="authorize-example">${authorizeExample}</pre>
<h2>NextAuth provider</h2>
<pre class="code" id="nextauth-snippet">${nextAuth}</pre>
<div class="inline-actions"><button type="button" class="button secondary" data-copy="nextauth-snippet">Copy snippet</button><span id="nextauth-snippet-status" class="small muted" role="status"></span></div>
<h2>Call the API</h2>
<pre class="code" id="curl-snippet">${curl}</pre>
<div class="inline-actions"><button type="button" class="button secondary" data-copy="curl-snippet">Copy curl</button><span id="curl-snippet-status" class="small muted" role="status"></span><a class="button secondary" href="/apps/${app.id}">Back to the app</a></div>
</section>`;
}
