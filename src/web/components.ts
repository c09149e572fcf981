// Small form pieces with labels, hints and errors wired for screen readers.
import { html, type SafeHtml } from './html.ts';
import { tKit } from './messages.ts';

export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  type?: 'email' | 'tel' | 'text';
  value?: string;
  hint?: string;
  error?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'tel' | 'text';
  pattern?: string;
  maxlength?: number;
  required?: boolean;
  autofocus?: boolean;
  className?: string;
}

export function field(o: FieldOptions): SafeHtml {
  const described = [o.hint ? `${o.id}-hint` : '', o.error ? `${o.id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${o.id}">${o.label}</label>
<input id="${o.id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${
    o.inputmode ? html` inputmode="${o.inputmode}"` : ''
  }${o.pattern ? html` pattern="${o.pattern}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.required === false ? '' : html` required`}${o.autofocus ? html` autofocus` : ''}${
    o.className ? html` class="${o.className}"` : ''
  }${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}>
${o.hint ? html`<span class="hint" id="${o.id}-hint">${o.hint}</span>` : ''}
${o.error ? html`<span class="hint" id="${o.id}-error"><strong>${o.error}</strong></span>` : ''}
</div>`;
}

export const hidden = (name: string, value: string): SafeHtml => html`<input type="hidden" name="${name}" value="${value}">`;

export function alert(kind: 'error' | 'ok' | 'info', message: string | SafeHtml | undefined): SafeHtml {
  if (!message) return html``;
  // role=alert announces errors; polite status for the rest.
  return kind === 'error' ? html`<div class="alert error" role="alert">${message}</div>` : html`<div class="alert ${kind}" role="status">${message}</div>`;
}

export function checkbox(o: { id: string; name: string; value?: string; label: string | SafeHtml; checked?: boolean }): SafeHtml {
  return html`<label class="check" for="${o.id}"><input type="checkbox" id="${o.id}" name="${o.name}" value="${o.value ?? 'true'}"${o.checked ? html` checked` : ''}><span>${o.label}</span></label>`;
}

/**
 * The error summary at the top of a form (issue 17): takes focus when the page loads, is announced, and links
 * each problem to its field (href="#field-id"). Nothing when there are no errors.
 */
export function errorSummary(errors: readonly { field: string; message: string }[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${tKit('kit.errorSummary')}</h2>
<ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`;
}

/** An ID, key or URL that may break anywhere, with a copy button (the kit's script) and a polite status. */
export function copyable(o: { id: string; value: string; what: string; block?: boolean }): SafeHtml {
  return html`<span class="copyable${o.block ? ' block' : ''}"><code class="breakable" id="${o.id}">${o.value}</code><button type="button" class="button copy" data-copy="${o.id}" data-copied="${tKit('kit.copied')}" data-copy-fallback="${tKit('kit.copyFallback')}" aria-label="${tKit('kit.copyLabel', { what: o.what })}">${tKit('kit.copy')}</button><span class="visually-hidden" id="${o.id}-status" role="status"></span></span>`;
}
