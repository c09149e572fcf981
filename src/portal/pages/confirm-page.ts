// Issue 17 #5: a destructive action asks first, on a page of its own that works without JavaScript. The
// button on the list is a link here; this page's form is the one that POSTs (with its CSRF token), and
// "Cancel" goes back without changing anything.
import { html, type SafeHtml } from '../../web/html.ts';
import { tq } from '../portal-admin-messages.ts';
import { csrfInput, type FormToken } from './shell.ts';

export interface Confirmation {
  /** "Rotate the secret of Coffee?" */
  title: string;
  /** What will happen, in plain words (consequences first). */
  consequences: SafeHtml | string;
  /** Where the form POSTs. */
  action: string;
  /** Hidden fields the action needs (client_id, version…). */
  fields?: Record<string, string>;
  confirmLabel: string;
  cancel: { href: string; label: string };
  /** Red button for actions that cannot be undone. */
  danger?: boolean;
}

export function confirmBody(c: Confirmation, form: FormToken): SafeHtml {
  return html`<section class="card confirm" aria-labelledby="confirm-h">
<h1 id="confirm-h">${c.title}</h1>
<p>${c.consequences}</p>
<form method="post" action="${c.action}">${csrfInput(form)}${Object.entries(c.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div class="inline-actions"><button class="button ${c.danger ? 'danger' : 'primary'}" type="submit">${c.confirmLabel}</button><a class="button secondary" href="${c.cancel.href}">${c.cancel.label}</a></div>
</form>
</section>`;
}

/** A grace period in words, in the request's language: "7 days", "1 hour", "90 seconds" / "7 días"… */
export function graceWords(seconds: number): string {
  const unit = (n: number, one: 'day' | 'hour' | 'minute' | 'second') => tq(n === 1 ? `grace.${one}` : `grace.${one}s`, { n });
  if (seconds >= 86400 && seconds % 86400 === 0) return unit(seconds / 86400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}
