// The three sign-in steps: address (email or phone), one-time code, authenticator code. Errors about a field
// are an error summary (focused, linking to the field) and the field's own message (aria-invalid,
// aria-describedby); the code page always keeps one way to a working code (issue 17).
import type { OAuth2Client } from '../../hydra-port/types.ts';
import type { Channel } from '../../identity/domain/address.ts';
import { alert, checkbox, errorSummary, field, hidden } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { currentWeb } from '../../web/web-context.ts';
import { t } from '../messages.ts';
import type { Flash } from '../state.ts';
import { appName, csrfInput, MARK, strongIn, type FormContext } from './common.ts';
import { passkeySignIn, totpAlternatives } from './second-factor-pages.ts';

const q = (challenge: string) => `login_challenge=${encodeURIComponent(challenge)}`;

function cancelForm(f: FormContext, challenge: string): SafeHtml {
  return html`<form method="post" action="/login/cancel" class="row">
${csrfInput(f)}${hidden('login_challenge', challenge)}
<span class="muted small">${t('login.changedMind')}</span>
<button type="submit" class="button link">${t('login.cancel')}</button>
</form>`;
}

/** A field's error goes to the summary and the field; any other error is an alert. */
function problems(flash: Flash, fieldId: string): SafeHtml {
  if (!flash.error) return html``;
  return flash.field ? errorSummary([{ field: fieldId, message: flash.error }]) : alert('error', flash.error);
}

export function renderAddressPage(o: { form: FormContext; challenge: string; client: OAuth2Client; method: Channel; flash: Flash; phone?: boolean; passkeyOptions?: string | undefined }): string {
  const { form, challenge, method, flash } = o;
  const email = method === 'email';
  const fieldError = flash.field ? flash.error : undefined;
  const input = email
    ? field({ id: 'email', name: 'email', type: 'email', label: t('login.email'), autocomplete: 'email webauthn', inputmode: 'email', value: flash.value ?? '', error: fieldError, autofocus: !flash.error, maxlength: 254 })
    : field({
        id: 'phone',
        name: 'phone',
        type: 'tel',
        label: t('login.phone'),
        autocomplete: 'tel',
        inputmode: 'tel',
        hint: t('login.phoneHint'),
        value: flash.value ?? '',
        error: fieldError,
        autofocus: !flash.error,
        maxlength: 24,
      });
  const channel = email
    ? html``
    : html`<fieldset class="field plain"><legend class="label">${t('login.sendBy')}</legend>
<label class="check" for="via-sms"><input type="radio" id="via-sms" name="channel" value="sms" checked><span>${t('login.sms')}</span></label>
<label class="check" for="via-whatsapp"><input type="radio" id="via-whatsapp" name="channel" value="whatsapp"><span>${t('login.whatsapp')}</span></label>
</fieldset>`;
  return renderPage({
    title: t('login.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${t('login.title')}</h1>
<p class="lead">${strongIn(t('login.lead', { app: MARK }), appName(o.client))}</p>
<nav class="tabs" aria-label="${t('login.with')}">
<a href="/login?${q(challenge)}&amp;method=email"${email ? html` aria-current="page"` : ''}>${t('login.tabEmail')}</a>
${o.phone === false ? '' : html`<a href="/login?${q(challenge)}&amp;method=phone"${email ? '' : html` aria-current="page"`}>${t('login.tabPhone')}</a>`}
</nav>
${problems(flash, email ? 'email' : 'phone')}
${alert('ok', flash.notice)}
<form method="post" action="/login" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}${hidden('method', method)}
${input}
${channel}
${checkbox({ id: 'remember', name: 'remember', label: t('login.keep') })}
<div class="actions"><button type="submit" class="button primary">${t('login.send')}</button></div>
</form>
${passkeySignIn(form, challenge, o.passkeyOptions)}
${cancelForm(form, challenge)}
</section>`,
  });
}

/** "Send a new code": disabled with a live countdown while the last code is fresh (the kit's script enables it). */
function resendButton(wait: number, primary: boolean): SafeHtml {
  const cls = primary ? 'button primary' : 'button link';
  if (wait <= 0) return html`<button type="submit" class="${cls}">${t('code.resend')}</button>`;
  return html`<button type="submit" class="${cls}" disabled data-wait="${wait}" data-wait-label="${t('code.resendIn', { s: '{s}' })}" data-ready-label="${t('code.resend')}" data-ready-status="${t('code.resendReady')}" aria-describedby="resend-status">${t('code.resendIn', { s: wait })}</button>
<span id="resend-status" class="visually-hidden" aria-live="polite"></span>
<noscript><span class="muted small">${t('code.resendNoScript', { s: wait })}</span></noscript>`;
}

export interface CodePage {
  form: FormContext;
  challenge: string;
  client: OAuth2Client;
  method: Channel;
  address: string;
  flash: Flash;
  /** Seconds until a new code may be asked for (0: now). */
  resendWait: number;
  /** The code was tried too many times: no code field, "Send a new code" is the main action. */
  locked: boolean;
}

export function renderCodePage(o: CodePage): string {
  const { form, challenge, flash } = o;
  const resend = (primary: boolean) => html`<form method="post" action="/login/resend" class="${primary ? 'actions' : 'row'}">
${csrfInput(form)}${hidden('login_challenge', challenge)}
${primary ? '' : html`<span class="muted small">${t('code.noCode')}</span>`}
${resendButton(o.resendWait, primary)}
</form>`;
  const other = html`<p class="small"><a href="/login?${q(challenge)}&amp;method=${o.method}">${o.method === 'email' ? t('code.otherEmail') : t('code.otherPhone')}</a></p>`;
  const body = o.locked
    ? html`<h1 id="title">${t('code.lockedTitle')}</h1>
${alert('error', flash.error ?? t('code.locked'))}
${resend(true)}`
    : html`<h1 id="title">${t('code.title')}</h1>
<p class="lead">${strongIn(t('code.lead', { address: MARK }), o.address)}</p>
${problems(flash, 'code')}
${alert('ok', flash.notice)}
<form method="post" action="/login/code" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}
${field({ id: 'code', name: 'code', label: t('code.label'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, className: 'code', autofocus: !flash.field, hint: t('code.hint'), error: flash.field ? flash.error : undefined })}
<div class="actions"><button type="submit" class="button primary">${t('code.submit', { app: appName(o.client) })}</button></div>
</form>
${resend(false)}`;
  return renderPage({
    title: o.locked ? t('code.lockedTitle') : t('code.title'),
    body: html`<section class="card" aria-labelledby="title">
${body}
${other}
${cancelForm(form, challenge)}
</section>`,
  });
}

export function renderTotpPage(o: { form: FormContext; challenge: string; client: OAuth2Client; flash: Flash; passkeyOptions?: string | undefined }): string {
  const { form, challenge, flash } = o;
  return renderPage({
    title: t('totp.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${t('totp.title')}</h1>
<p class="lead">${t('totp.lead', { name: currentWeb().theme.name })}</p>
${problems({ ...flash, field: true }, 'totp')}
<form method="post" action="/login/totp" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}
${field({ id: 'totp', name: 'totp_code', label: t('totp.label'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, className: 'code', autofocus: !flash.error, error: flash.error })}
<div class="actions"><button type="submit" class="button primary">${t('totp.submit')}</button></div>
</form>
${totpAlternatives(form, challenge, o.passkeyOptions)}
${cancelForm(form, challenge)}
</section>`,
  });
}
