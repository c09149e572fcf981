// The page shell shared by the login & consent app, the portal and the auth server's own pages: the operator's
// brand (name, logo, colour, support link, theme templates), the request's language and the language switch.
import { html, raw, type SafeHtml } from './html.ts';
import { LANGUAGE_NAMES, LOCALES } from './locale.ts';
import { tKit } from './messages.ts';
import { currentWeb } from './web-context.ts';

export const BOLT_SVG = raw(
  '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="8" fill="#f7931a"/><path d="M18.5 4 8 18h7l-1.5 10L24 14h-7z" fill="#141923"/></svg>',
);

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Wider column (portal tables). */
  wide?: boolean;
  /** Product name in the header (the brand's name by default). */
  product?: string;
  footer?: SafeHtml;
  /** Extra <head> content (the portal's own stylesheet and script). */
  head?: SafeHtml;
}

/** Links to the page in the other languages (GET /lang sets the cookie and comes back). */
function languageSwitch(): SafeHtml {
  const { locale, path } = currentWeb();
  const links = LOCALES.filter((l) => l !== locale).map(
    (l) => html`<a href="/lang?to=${l}&amp;next=${encodeURIComponent(path)}" lang="${l}" hreflang="${l}">${LANGUAGE_NAMES[l]}</a>`,
  );
  return html`<nav class="lang-switch" aria-label="${tKit('kit.language')}">${links}</nav>`;
}

export function renderPage(options: PageOptions): string {
  const { theme, locale } = currentWeb();
  const product = options.product ?? theme.name;
  const logo = theme.logoUrl ? html`<img class="brand-logo" src="${theme.logoUrl}" alt="" width="32" height="32">` : BOLT_SVG;
  const support = theme.supportUrl
    ? html` <a href="${theme.supportUrl}">${tKit('kit.support')}</a>`
    : theme.supportEmail
      ? html` <a href="mailto:${theme.supportEmail}">${tKit('kit.support')}</a>`
      : '';
  const footer = options.footer ?? (theme.templates.footer ? raw(theme.templates.footer) : html`${tKit('kit.footer', { name: theme.name })}`);
  return `<!doctype html>${
    html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${options.title} · ${product}</title>
<link rel="stylesheet" href="/assets/lightgate.css">
<link rel="stylesheet" href="/assets/theme.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<script src="/assets/lightgate.js" defer></script>
${options.head ?? ''}${theme.templates.head ? raw(theme.templates.head) : ''}
</head>
<body>
<a class="skip-link" href="#main">${tKit('kit.skip')}</a>
<header class="site-header">${logo}<span class="brand-name">${product}</span></header>
<main id="main" class="${options.wide ? 'wide' : ''}">
${options.body}
</main>
<footer class="site-footer"><p>${footer}${support}</p>${languageSwitch()}</footer>
</body>
</html>`.__html
  }`;
}
