// The three sign-in steps: address (email or phone), one-time code, authenticator code.
import type { OAuth2Client } from '../../hydra-port/types.ts';
import type { Channel } from '../../identity/domain/address.ts';
import { alert, checkbox, field, hidden } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import type { Flash } from '../state.ts';
import { appName, csrfInput, type FormContext } from './common.ts';

const q = (challenge: string) => `login_challenge=${encodeURIComponent(challenge)}`;

function cancelForm(f: FormContext, challenge: string): SafeHtml {
  return html`<form method="post" action="/login/cancel" class="row">
${csrfInput(f)}${hidden('login_challenge', challenge)}
<span class="muted small">Changed your mind?</span>
<button type="submit" class="button link">Cancel sign-in</button>
</form>`;
}

export function renderAddressPage(o: { form: FormContext; challenge: string; client: OAuth2Client; method: Channel; flash: Flash; phone?: boolean }): string {
  const { form, challenge, method, flash } = o;
  const email = method === 'email';
  const input = email
    ? field({ id: 'email', name: 'email', type: 'email', label: 'Email address', autocomplete: 'email', inputmode: 'email', value: flash.value ?? '', error: flash.error, autofocus: true, maxlength: 254 })
    : field({
        id: 'phone',
        name: 'phone',
        type: 'tel',
        label: 'Phone number',
        autocomplete: 'tel',
        inputmode: 'tel',
        hint: 'With your country code, like +1 202 555 0148.',
        value: flash.value ?? '',
        error: flash.error,
        autofocus: true,
        maxlength: 24,
      });
  const channel = email
    ? html``
    : html`<fieldset class="field plain"><legend class="label">Send the code by</legend>
<label class="check" for="via-sms"><input type="radio" id="via-sms" name="channel" value="sms" checked><span>Text message (SMS)</span></label>
<label class="check" for="via-whatsapp"><input type="radio" id="via-whatsapp" name="channel" value="whatsapp"><span>WhatsApp</span></label>
</fieldset>`;
  return renderPage({
    title: 'Sign in',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign in</h1>
<p class="lead">to continue to <strong>${appName(o.client)}</strong>. New here? The same steps create your wallet.</p>
<nav class="tabs" aria-label="Sign in with">
<a href="/login?${q(challenge)}&amp;method=email"${email ? html` aria-current="page"` : ''}>Email</a>
${o.phone === false ? '' : html`<a href="/login?${q(challenge)}&amp;method=phone"${email ? '' : html` aria-current="page"`}>Phone</a>`}
</nav>
${flash.error ? html`<div class="alert error" role="alert">${flash.error}</div>` : ''}
${alert('ok', flash.notice)}
<form method="post" action="/login" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}${hidden('method', method)}
${input}
${channel}
${checkbox({ id: 'remember', name: 'remember', label: 'Keep me signed in on this device' })}
<div class="actions"><button type="submit" class="button primary">Send me a code</button></div>
</form>
${cancelForm(form, challenge)}
</section>`,
  });
}

export function renderCodePage(o: { form: FormContext; challenge: string; client: OAuth2Client; method: Channel; address: string; flash: Flash }): string {
  const { form, challenge, flash } = o;
  const where = o.method === 'email' ? 'email' : 'phone';
  return renderPage({
    title: 'Enter your code',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Enter your code</h1>
<p class="lead">We sent a 6-digit code to <strong>${o.address}</strong>. It works for 10 minutes.</p>
${flash.error ? html`<div class="alert error" role="alert">${flash.error}</div>` : ''}
${alert('ok', flash.notice)}
<form method="post" action="/login/code" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}
${field({ id: 'code', name: 'code', label: 'Sign-in code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, className: 'code', autofocus: true, hint: '6 digits, from the newest message.' })}
<div class="actions"><button type="submit" class="button primary">Sign in to ${appName(o.client)}</button></div>
</form>
<form method="post" action="/login/resend" class="row">
${csrfInput(form)}${hidden('login_challenge', challenge)}
<span class="muted small">No code after a minute?</span>
<button type="submit" class="button link">Send a new code</button>
</form>
<p class="small"><a href="/login?${q(challenge)}&amp;method=${o.method}">Use a different ${where === 'email' ? 'email address' : 'phone number'}</a></p>
${cancelForm(form, challenge)}
</section>`,
  });
}

export function renderTotpPage(o: { form: FormContext; challenge: string; client: OAuth2Client; flash: Flash }): string {
  const { form, challenge, flash } = o;
  return renderPage({
    title: 'Two-step verification',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Two-step verification</h1>
<p class="lead">Open your authenticator app and enter the 6-digit code for Lightgate.</p>
${flash.error ? html`<div class="alert error" role="alert">${flash.error}</div>` : ''}
<form method="post" action="/login/totp" novalidate>
${csrfInput(form)}${hidden('login_challenge', challenge)}
${field({ id: 'totp', name: 'totp_code', label: 'Authenticator code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, className: 'code', autofocus: true })}
<div class="actions"><button type="submit" class="button primary">Verify and continue</button></div>
</form>
${cancelForm(form, challenge)}
</section>`,
  });
}
