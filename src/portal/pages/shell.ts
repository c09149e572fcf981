// The portal's page frame: the shared layout, the portal's stylesheet and script, the navigation.
import { alert } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { tKit } from '../../web/messages.ts';
import { formatDateTime } from '../../web/format.ts';
import { currentWeb } from '../../web/web-context.ts';
import { tp } from '../portal-messages.ts';

export interface Viewer {
  userId: string;
  label: string;
  admin: boolean;
}

export interface Flash {
  notice?: string;
  error?: string;
}

export type Section = 'apps' | 'keys' | 'callbacks' | 'connected' | 'security' | 'admin' | 'audit' | 'none';

export interface FormToken {
  field: string;
  token: string;
}

export const csrfInput = (f: FormToken): SafeHtml => html`<input type="hidden" name="${f.field}" value="${f.token}">`;

const HEAD = html`<link rel="stylesheet" href="/assets/portal.css">
<script src="/assets/portal.js" defer></script>`;

function nav(viewer: Viewer, current: Section, form: FormToken): SafeHtml {
  const link = (href: string, section: Section, label: string) => html`<a href="${href}"${current === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="portal-nav" aria-label="${tp('nav.label')}">
${link('/apps', 'apps', tp('nav.apps'))}${link('/keys', 'keys', tp('nav.keys'))}${link('/callbacks', 'callbacks', tp('nav.callbacks'))}${link('/account', 'connected', tp('nav.account'))}
${viewer.admin ? html`${link('/admin', 'admin', tp('nav.queue'))}${link('/admin/audit', 'audit', tp('nav.audit'))}` : ''}
<span class="spacer"></span><span class="who-nav">${viewer.label}</span>
<form method="post" action="/auth/logout">${csrfInput(form)}<button type="submit">${tp('nav.signOut')}</button></form>
</nav>`;
}

export function portalPage(o: { title: string; viewer?: Viewer; current?: Section; form?: FormToken; flash?: Flash; body: SafeHtml }): string {
  const top = o.viewer && o.form ? nav(o.viewer, o.current ?? 'none', o.form) : html``;
  return renderPage({
    title: o.title,
    product: tKit('kit.developers', { name: currentWeb().theme.name }),
    head: HEAD,
    wide: true,
    footer: html`${tKit('kit.developerFooter', { name: currentWeb().theme.name })}`,
    body: html`<div class="portal">${top}${alert('ok', o.flash?.notice)}${alert('error', o.flash?.error)}${o.body}</div>`,
  });
}

/** A date and time in the request's language, in UTC (the kit's formatter). */
export const formatDate = (d: Date | null | undefined): string => formatDateTime(d);
