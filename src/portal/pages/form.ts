// Form inputs of the portal with their error next to them (aria-describedby / aria-invalid).
import { html, type SafeHtml } from '../../web/html.ts';

interface Common {
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
}

const described = (id: string, o: Common) => [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
const after = (id: string, o: Common) => html`${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}${o.error ? html`<span class="field-error" id="${id}-error">${o.error}</span>` : ''}`;
const aria = (id: string, o: Common) => {
  const d = described(id, o);
  return html`${d ? html` aria-describedby="${d}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${o.required ? html` required` : ''}`;
};

export function input(o: Common & { type?: 'text' | 'url' | 'number'; maxlength?: number; min?: number; max?: number }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field"><label for="${id}">${o.label}</label>
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.min !== undefined ? html` min="${o.min}"` : ''}${o.max !== undefined ? html` max="${o.max}"` : ''}${aria(id, o)}>
${after(id, o)}</div>`;
}

export function textarea(o: Common & { rows?: number; maxlength?: number }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field"><label for="${id}">${o.label}</label>
<textarea id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${aria(id, o)}>${o.value ?? ''}</textarea>
${after(id, o)}</div>`;
}

/** Checkboxes (multiple) or radios (one) in a fieldset whose legend names the question. */
export function choices(o: Common & { kind: 'checkbox' | 'radio'; options: { value: string; label: string }[]; selected: readonly string[] }): SafeHtml {
  const id = `f-${o.name}`;
  const d = described(id, o);
  return html`<fieldset class="plain field" id="${id}"${d ? html` aria-describedby="${d}"` : ''}>
<legend class="label">${o.label}</legend>
${o.options.map(
  (opt, i) =>
    html`<label class="check" for="${id}-${i}"><input type="${o.kind}" id="${id}-${i}" name="${o.name}" value="${opt.value}"${o.selected.includes(opt.value) ? html` checked` : ''}${o.error ? html` aria-invalid="true"` : ''}><span>${opt.label}</span></label>`,
)}
${after(id, o)}</fieldset>`;
}
