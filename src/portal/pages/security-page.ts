// Security: two-step verification (TOTP) on or off; its setup with the QR code, the key for typing
// in, and the first code; turning it off with a current code.
import { html, type SafeHtml } from '../../web/html.ts';
import { copyable } from './apps-pages.ts';
import { csrfInput, type FormToken } from './shell.ts';

/** The 6-digit code field with its error next to it (aria-describedby / aria-invalid). */
function codeInput(o: { id: string; label: string; error?: string | undefined }): SafeHtml {
  const described = [`${o.id}-hint`, o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field"><label for="${o.id}">${o.label}</label>
<input id="${o.id}" name="totp_code" type="text" class="totp-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : ''}>
<span class="hint" id="${o.id}-hint">6 digits, from your authenticator app.</span>
${o.error ? html`<span class="field-error" id="${o.id}-error">${o.error}</span>` : ''}</div>`;
}

export function securityBody(o: { enabled: boolean; form: FormToken; error?: string | undefined }): SafeHtml {
  return html`<section class="card" aria-labelledby="security-h">
<h1 id="security-h">Security</h1>
<h2>Two-step verification</h2>
<p>Status: ${o.enabled ? html`<span class="badge approved">On</span>` : html`<span class="badge">Off</span>`}</p>
${
  o.enabled
    ? html`<p>When you sign in to Lightgate, after the code we send you, you also enter a code from your authenticator app. Someone who gets into your email still cannot sign in as you.</p>
<h3>Turn it off</h3>
<p>Enter the code your authenticator app shows now, to show it is really you.</p>
<form method="post" action="/account/security/totp/disable" novalidate>
${csrfInput(o.form)}
${codeInput({ id: 'f-disable-code', label: 'Current authenticator code', error: o.error })}
<div class="inline-actions"><button class="button danger" type="submit">Turn off two-step verification</button></div>
</form>`
    : html`<p>Add a second step to signing in: after the code we send you, Lightgate asks for a 6-digit code from an authenticator app on your phone (for example Aegis, Google Authenticator or 1Password). Someone who gets into your email still cannot sign in as you.</p>
<form method="post" action="/account/security/totp/setup">
${csrfInput(o.form)}
<div class="inline-actions"><button class="button primary" type="submit">Set up two-step verification</button></div>
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
<h1 id="setup-h">Set up two-step verification</h1>
<ol class="setup-steps">
<li><strong>Scan this QR code</strong> with your authenticator app.
<div class="qr-box"><img class="qr" src="${qr}" alt="QR code that adds Lightgate to your authenticator app" width="200" height="200"></div></li>
<li><strong>Cannot scan it?</strong> Choose “enter a setup key” in the app, and type this key (time-based, 6 digits):
<div class="inline-actions">${copyable('totp-secret', grouped(o.secret), 'setup key')}</div></li>
<li><strong>Enter the code</strong> the app now shows for Lightgate.
<form method="post" action="/account/security/totp/confirm" novalidate>
${csrfInput(o.form)}
${codeInput({ id: 'f-confirm-code', label: 'Authenticator code', error: o.error })}
<div class="inline-actions"><button class="button primary" type="submit">Turn on two-step verification</button><a class="button secondary" href="/account/security">Cancel</a></div>
</form></li>
</ol>
<p class="small muted">This setup is valid for 15 minutes. Until you enter a code, two-step verification stays off.</p>
</section>`;
}
