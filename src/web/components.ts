// Small form pieces with labels, hints and errors wired for screen readers.
import { html, type SafeHtml } from './html.ts';

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
