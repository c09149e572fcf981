// Passkeys and recovery codes on the sign-in pages (issue 17): the "Sign in with a passkey" form on the address
// page, the other ways through the authenticator step ("Use a passkey instead", "Lost your device?"), and the
// recovery-code page. The passkey forms work with the first-party script (web/assets/passkey.js); without it
// they post without a credential and the server explains what to do instead.
import { alert, errorSummary, field, hidden } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { passkeyScriptTag } from '../../web/passkey-script.ts';
import { tp } from '../passkey-messages.ts';
import type { Flash } from '../state.ts';
import { csrfInput, type FormContext } from './common.ts';

const q = (challenge: string) => `login_challenge=${encodeURIComponent(challenge)}`;

function passkeyForm(o: { form: FormContext; challenge: string; action: string; kind: 'sign-in' | 'second-factor'; label: string; options: string; conditional?: boolean }): SafeHtml {
  return html`<form method="post" action="${o.action}" data-passkey="${o.kind}" data-options="${o.options}"${o.conditional ? html` data-conditional` : ''} data-unsupported="${tp('passkey.unsupported')}" data-failed="${tp('passkey.failed')}" class="passkey-form">
${csrfInput(o.form)}${hidden('login_challenge', o.challenge)}<input type="hidden" name="credential" value="">
<div class="actions"><button type="submit" class="button secondary">${o.label}</button></div>
<p class="muted small" data-passkey-status role="status"></p>
</form>${passkeyScriptTag}`;
}

/** Under the address form: "or" and the passkey button (and the address field's autofill offers passkeys). */
export const passkeySignIn = (form: FormContext, challenge: string, options: string | undefined): SafeHtml =>
  options ? html`<p class="divider muted small">${tp('passkey.or')}</p>${passkeyForm({ form, challenge, action: '/login/passkey', kind: 'sign-in', label: tp('passkey.signIn'), options, conditional: true })}` : html``;

/** Under the authenticator-code form: one of the person's passkeys as the second step (if they have one), or a recovery code. */
export const totpAlternatives = (form: FormContext, challenge: string, options: string | undefined): SafeHtml =>
  html`${options ? passkeyForm({ form, challenge, action: '/login/passkey/second-factor', kind: 'second-factor', label: tp('passkey.useInstead'), options }) : ''}
<p class="small">${tp('recovery.lost')} <a href="/login/recovery?${q(challenge)}">${tp('recovery.useCode')}</a></p>`;

export function renderRecoveryPage(o: { form: FormContext; challenge: string; flash: Flash }): string {
  const { form, challenge, flash } = o;
  return renderPage({
    title: tp('recovery.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${tp('recovery.title')}</h1>
<p class="lead">${tp('recovery.lead')}</p>
${flash.error ? errorSummary([{ field: 'recovery', message: flash.error }]) : ''}
${alert('ok', flash.notice)}
<form method="post" action="/login/recovery" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}
${field({ id: 'recovery', name: 'recovery_code', label: tp('recovery.label'), autocomplete: 'off', hint: tp('recovery.hint'), maxlength: 20, className: 'code', autofocus: !flash.error, error: flash.error })}
<div class="actions"><button type="submit" class="button primary">${tp('recovery.submit')}</button></div>
</form>
<p class="small"><a href="/login/totp?${q(challenge)}">${tp('recovery.back')}</a></p>
<p class="muted small">${tp('recovery.noCodes')}</p>
</section>`,
  });
}
