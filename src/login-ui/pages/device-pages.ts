// The device sign-in pages (RFC 8628, issue 16): the code a terminal or CLI shows, typed or scanned on a
// phone, and the page after the device was signed in.
import { field, hidden } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { td } from '../device-messages.ts';
import { csrfInput, type FormContext } from './common.ts';

export function renderDeviceCodePage(o: { form: FormContext; challenge: string; userCode: string; error?: string }): string {
  return renderPage({
    title: td('device.title'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${td('device.title')}</h1>
<p class="lead">${td('device.lead')}</p>
<form method="post" action="/device">
${csrfInput(o.form)}${hidden('device_challenge', o.challenge)}
${field({ id: 'user_code', name: 'user_code', label: td('device.code'), hint: td('device.hint'), value: o.userCode, error: o.error, autocomplete: 'off', maxlength: 16, autofocus: !o.userCode, className: 'code' })}
<div class="actions"><button type="submit" class="button primary">${td('device.continue')}</button></div>
</form>
</section>`,
  });
}

export function renderDeviceDonePage(): string {
  return renderPage({
    title: td('device.doneTitle'),
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${td('device.doneHeading')}</h1>
<p class="lead">${td('device.done')}</p>
</section>`,
  });
}
