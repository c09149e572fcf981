// Security: two-step verification (TOTP) on or off; its setup with the QR code, the key for typing
// in, and the first code; turning it off with a current code. In the person's language (the account area).
import { html, type SafeHtml } from '../../web/html.ts';
import { currentWeb } from '../../web/web-context.ts';
import { ta } from '../account-messages.ts';
import { copyable } from './apps-pages.ts';
import { csrfInput, type FormToken } from './shell.ts';

/** The 6-digit code field with its error next to it (aria-describedby / aria-invalid). */
function codeInput(o: { id: string; label: string; error?: string | undefined }): SafeHtml {
  const described = [`${o.id}-hint`, o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field"><label for="${o.id}">${o.label}</label>
<input id="${o.id}" name="totp_code" type="text" class="totp-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : ''}>
<span class="hint" id="${o.id}-hint">${ta('totp.hint')}</span>
${o.error ? html`<span class="field-error" id="${o.id}-error">${o.error}</span>` : ''}</div>`;
}

export function securityBody(o: { enabled: boolean; form: FormToken; error?: string | undefined }): SafeHtml {
  return html`<section class="card" aria-labelledby="security-h">
<h1 id="security-h">${ta('acc.security')}</h1>
<h2>${ta('totp.heading')}</h2>
<p>${ta('totp.status')} ${o.enabled ? html`<span class="badge approved">${ta('sec.on')}</span>` : html`<span class="badge">${ta('sec.off')}</span>`}</p>
${
  o.enabled
    ? html`<p>${ta('totp.onLead')}</p>
<h3>${ta('totp.offHeading')}</h3>
<p>${ta('totp.offLead')}</p>
<form method="post" action="/account/security/totp/disable" novalidate>
${csrfInput(o.form)}
${codeInput({ id: 'f-disable-code', label: ta('totp.currentCode'), error: o.error })}
<div class="inline-actions"><button class="button danger" type="submit">${ta('totp.turnOff')}</button></div>
</form>`
    : html`<p>${ta('totp.offStateLead')}</p>
<form method="post" action="/account/security/totp/setup">
${csrfInput(o.form)}
<div class="inline-actions"><button class="button primary" type="submit">${ta('totp.setUp')}</button></div>
</form>`
}
</section>`;
}

/** The key in groups of four, easier to type; authenticator apps ignore the spaces. */
const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function totpSetupBody(o: { qrSvgDataUrl: string; secret: string; form: FormToken; error?: string | undefined }): SafeHtml {
  // Only our own SVG data URL goes into the img (CSP img-src allows data:).
  const qr = o.qrSvgDataUrl.startsWith('data:image/svg+xml;base64,') ? o.qrSvgDataUrl : '';
  return html`<section class="card" aria-labelledby="setup-h">
<h1 id="setup-h">${ta('totp.setUp')}</h1>
<ol class="setup-steps">
<li><strong>${ta('totp.scan')}</strong> ${ta('totp.scanWith')}
<div class="qr-box"><img class="qr" src="${qr}" alt="${ta('totp.qrAlt', { name: currentWeb().theme.name })}" width="200" height="200"></div></li>
<li><strong>${ta('totp.cannotScan')}</strong> ${ta('totp.typeKey')}
<div class="inline-actions">${copyable('totp-secret', grouped(o.secret), ta('totp.key'))}</div></li>
<li><strong>${ta('totp.enterCode')}</strong>
<form method="post" action="/account/security/totp/confirm" novalidate>
${csrfInput(o.form)}
${codeInput({ id: 'f-confirm-code', label: ta('totp.code'), error: o.error })}
<div class="inline-actions"><button class="button primary" type="submit">${ta('totp.turnOn')}</button><a class="button secondary" href="/account/security">${ta('totp.cancel')}</a></div>
</form></li>
</ol>
<p class="small muted">${ta('totp.validFor')}</p>
</section>`;
}
