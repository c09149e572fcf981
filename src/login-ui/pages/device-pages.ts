// The device sign-in pages (RFC 8628, issue 16): the code a terminal or CLI shows, typed or scanned on a
// phone, and the page after the device was signed in.
import { field, hidden } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { csrfInput, type FormContext } from './common.ts';

export function renderDeviceCodePage(o: { form: FormContext; challenge: string; userCode: string; error?: string }): string {
  return renderPage({
    title: 'Sign in a device',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign in a device</h1>
<p class="lead">Enter the code your terminal or app shows. Only continue if you started the sign-in on that device yourself.</p>
<form method="post" action="/device">
${csrfInput(o.form)}${hidden('device_challenge', o.challenge)}
${field({ id: 'user_code', name: 'user_code', label: 'Code shown on the device', hint: 'Eight letters, like BCDF-GHJK', value: o.userCode, error: o.error, autocomplete: 'off', maxlength: 16, autofocus: !o.userCode, className: 'code' })}
<div class="actions"><button type="submit" class="button primary">Continue</button></div>
</form>
</section>`,
  });
}

export function renderDeviceDonePage(): string {
  return renderPage({
    title: 'Device signed in',
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">Your device is signed in</h1>
<p class="lead">You can close this page and go back to your device.</p>
</section>`,
  });
}
