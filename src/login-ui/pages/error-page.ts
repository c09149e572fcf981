// A plain-words error page with a way back.
import { html } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { t } from '../messages.ts';

export interface ErrorPage {
  status: number;
  title: string;
  message: string;
  /** Only our own paths, a redirect_to from the admin API or an app's registered website. */
  action?: { href: string; label: string };
}

export function renderErrorPage(page: ErrorPage): string {
  return renderPage({
    title: page.title,
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${page.title}</h1>
<p class="lead">${page.message}</p>
${page.action ? html`<a class="button primary" href="${page.action.href}">${page.action.label}</a>` : html`<p class="muted small">${t('flow.closeHint')}</p>`}
</section>`,
  });
}
