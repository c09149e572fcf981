// The account area (issue 17 #9): for the people who use apps, apart from the developer pages. Its own frame
// (the brand's "Your account", its own navigation), connected apps in plain words, security (authenticator,
// recovery codes, passkeys, where you are signed in) and recent activity.
import { alert, field } from '../../web/components.ts';
import { formatDateTime } from '../../web/format.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { passkeyScriptTag } from '../../web/passkey-script.ts';
import { currentWeb } from '../../web/web-context.ts';
import { ta, type AccountKey } from '../account-messages.ts';
import type { ConnectedApp } from '../app/connected-apps.ts';
import { csrfInput, type Flash, type FormToken, type Viewer } from './shell.ts';

export type AccountSection = 'overview' | 'apps' | 'security' | 'activity' | 'none';

const HEAD = html`<link rel="stylesheet" href="/assets/portal.css">
<script src="/assets/portal.js" defer></script>`;

export function accountPage(o: { title: string; viewer: Viewer; current: AccountSection; form: FormToken; flash?: Flash; body: SafeHtml }): string {
  const link = (href: string, section: AccountSection, label: string) => html`<a href="${href}"${o.current === section ? html` aria-current="page"` : ''}>${label}</a>`;
  const name = currentWeb().theme.name;
  return renderPage({
    title: o.title,
    product: ta('acc.product', { name }),
    head: HEAD,
    wide: true,
    footer: html`${ta('acc.footer', { name })}`,
    body: html`<div class="portal account"><nav class="portal-nav" aria-label="${ta('acc.nav')}">
${link('/account', 'overview', ta('acc.overview'))}${link('/account/apps', 'apps', ta('acc.apps'))}${link('/account/security', 'security', ta('acc.security'))}${link('/account/activity', 'activity', ta('acc.activity'))}
<span class="spacer"></span><a href="/apps">${ta('acc.developers')}</a><span class="who-nav">${o.viewer.label}</span>
<form method="post" action="/auth/logout">${csrfInput(o.form)}<button type="submit">${ta('acc.signOut')}</button></form>
</nav>${alert('ok', o.flash?.notice)}${alert('error', o.flash?.error)}${o.body}</div>`,
  });
}

export function overviewBody(o: { who: string; apps: number; totp: boolean; passkeys: number }): SafeHtml {
  return html`<section class="card" aria-labelledby="acc-h">
<h1 id="acc-h">${ta('acc.overview')}</h1>
<p class="lead">${ta('acc.hello', { who: o.who })} ${ta('acc.overviewLead')}</p>
<ul class="account-links">
<li><a href="/account/apps">${ta('acc.apps')}</a> (${String(o.apps)})</li>
<li><a href="/account/security">${ta('acc.security')}</a>: ${ta('sec.totp')} ${o.totp ? ta('sec.on') : ta('sec.off')}; ${ta('sec.passkeys')} ${String(o.passkeys)}</li>
<li><a href="/account/activity">${ta('acc.activity')}</a></li>
</ul>
</section>`;
}

const SCOPE_WORDS: Record<string, AccountKey> = { read: 'scope.read', receive: 'scope.receive', write: 'scope.write', openid: 'scope.openid', offline_access: 'scope.offline', offline: 'scope.offline' };
/** Plain words for what an app may do; scope names the person would not understand are left out. */
const scopeWords = (scopes: readonly string[]): string[] => [...new Set(scopes.flatMap((s) => (SCOPE_WORDS[s] ? [ta(SCOPE_WORDS[s])] : [])))];

/** `budget`: an app's spending budget part (issue 15, pages/budget-section.ts), when the portal has budgets. */
export function appsBody(o: { apps: ConnectedApp[]; budget?: (app: ConnectedApp, n: number) => SafeHtml | '' }): SafeHtml {
  return html`<section class="card" aria-labelledby="apps-h">
<h1 id="apps-h">${ta('acc.apps')}</h1>
<p class="lead">${ta('acc.appsLead')}</p>
${
  o.apps.length
    ? html`<ul class="connected-apps">${o.apps.map((a, n) => {
        const site = safeUrl(a.website);
        return html`<li class="connected-app"><h2>${site ? html`<a href="${site}" rel="noopener noreferrer">${a.name}</a>` : a.name}</h2>
<p class="muted small">${ta('acc.allowedOn', { date: formatDateTime(a.grantedAt) })}</p>
<p>${ta('acc.canDo')}</p><ul>${scopeWords(a.scopes).map((w) => html`<li>${w}</li>`)}</ul>
${o.budget?.(a, n) ?? ''}
<a class="button secondary" href="/account/apps/remove?client_id=${encodeURIComponent(a.clientId)}" aria-label="${ta('acc.remove')}: ${a.name}">${ta('acc.remove')}</a></li>`;
      })}</ul>`
    : html`<p>${ta('acc.appsNone')}</p>`
}
</section>`;
}

export interface SecurityView {
  totp: SafeHtml;
  totpOn: boolean;
  recoveryLeft: number;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | undefined }[];
  passkeyError?: string | undefined;
  /** WebAuthn registration options (JSON) for the page's script. */
  passkeyOptions: string | undefined;
  sessions: { id: string; createdAt: Date; current: boolean }[];
  apiSessions: number;
}

export function securityExtras(v: SecurityView, form: FormToken): SafeHtml {
  return html`${v.totp}
${
  v.totpOn
    ? html`<section class="card" aria-labelledby="rec-h"><h2 id="rec-h">${ta('sec.recovery')}</h2>
<p>${ta('sec.recoveryLead')}</p><p><strong>${ta('sec.recoveryLeft', { n: v.recoveryLeft })}</strong></p>
<a class="button secondary" href="/account/security/recovery-codes/new">${ta('sec.recoveryNew')}</a></section>`
    : ''
}
<section class="card" aria-labelledby="pk-h"><h2 id="pk-h">${ta('sec.passkeys')}</h2>
<p>${ta('sec.passkeysLead')}</p>
${
  v.passkeys.length
    ? html`<ul class="passkeys">${v.passkeys.map(
        (p) => html`<li><strong>${p.name}</strong> <span class="muted small">${ta('sec.passkeyCreated', { date: formatDateTime(p.createdAt) })}${p.lastUsedAt ? html`, ${ta('sec.passkeyUsed', { date: formatDateTime(p.lastUsedAt) })}` : ''}</span>
<a class="button link" href="/account/security/passkeys/${p.id}/remove" aria-label="${ta('sec.passkeyRemove')}: ${p.name}">${ta('sec.passkeyRemove')}</a></li>`,
      )}</ul>`
    : html`<p class="muted">${ta('sec.passkeysNone')}</p>`
}
${alert('error', v.passkeyError)}
<form method="post" action="/account/security/passkeys" data-passkey="register" data-options="${v.passkeyOptions ?? ''}" data-unsupported="${ta('sec.passkeyUnsupported')}" data-failed="${ta('sec.passkeyFailed')}" novalidate>
${csrfInput(form)}<input type="hidden" name="credential" value="">
${field({ id: 'passkey-name', name: 'name', label: ta('sec.passkeyName'), hint: ta('sec.passkeyNameHint'), maxlength: 60, required: false })}
<div class="inline-actions"><button class="button primary" type="submit">${ta('sec.passkeyAdd')}</button></div>
<p class="muted small" data-passkey-status role="status"></p>
</form>${passkeyScriptTag}
</section>
<section class="card" aria-labelledby="ses-h"><h2 id="ses-h">${ta('sec.sessions')}</h2>
<p>${ta('sec.sessionsLead', { n: v.sessions.length, api: v.apiSessions })}</p>
<ul>${v.sessions.map((s) => html`<li>${ta('sec.since', { date: formatDateTime(s.createdAt) })}${s.current ? html` <span class="badge">${ta('sec.thisBrowser')}</span>` : ''}</li>`)}</ul>
<a class="button danger" href="/account/security/sign-out-everywhere">${ta('sec.everywhere')}</a>
</section>`;
}

export function recoveryCodesBody(codes: readonly string[]): SafeHtml {
  return html`<section class="card" aria-labelledby="codes-h">
<h1 id="codes-h">${ta('sec.recoveryTitle')}</h1>
<p>${ta('sec.recoveryShown')}</p>
<ol class="recovery-codes" id="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
<a class="button primary" href="/account/security">${ta('sec.recoveryDone')}</a>
</section>`;
}

export interface ActivityItem {
  kind: string;
  detail: string;
  at: Date;
}

const ACTIVITY_KINDS = new Set(['sign-in', 'grant', 'passkey-added', 'passkey-removed', 'recovery-codes', 'recovery-code-used', 'signed-out-everywhere', 'totp-on', 'totp-off', 'budget-lowered', 'budget-raised', 'budget-paused', 'budget-resumed']);

export function activityBody(items: readonly ActivityItem[]): SafeHtml {
  return html`<section class="card" aria-labelledby="act-h">
<h1 id="act-h">${ta('acc.activity')}</h1>
<p class="lead">${ta('act.lead')}</p>
${
  items.length
    ? html`<ul class="activity">${items.map((i) => {
        const key = (ACTIVITY_KINDS.has(i.kind) ? `act.${i.kind}` : 'act.other') as AccountKey;
        return html`<li><time datetime="${i.at.toISOString()}">${formatDateTime(i.at)}</time> ${ta(key, { detail: i.detail })}</li>`;
      })}</ul>`
    : html`<p>${ta('act.none')}</p>`
}
</section>`;
}
