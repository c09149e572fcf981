// The page shell shared by the login & consent app and the portal.
import { html, raw, type SafeHtml } from './html.ts';

export const BOLT_SVG = raw(
  '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="8" fill="#f7931a"/><path d="M18.5 4 8 18h7l-1.5 10L24 14h-7z" fill="#141923"/></svg>',
);

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Wider column (portal tables). */
  wide?: boolean;
  /** Product name in the header. */
  product?: string;
  footer?: SafeHtml;
  /** Extra <head> content (the portal's own stylesheet and script). */
  head?: SafeHtml;
}

export function renderPage(options: PageOptions): string {
  const product = options.product ?? 'Lightgate';
  return `<!doctype html>${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${options.title} · ${product}</title>
<link rel="stylesheet" href="/assets/lightgate.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
${options.head ?? ''}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">${BOLT_SVG}<span>${product}</span></header>
<main id="main" class="${options.wide ? 'wide' : ''}">
${options.body}
</main>
<footer class="site-footer">${options.footer ?? html`Secured by ${product}. Never share your codes with anyone.`}</footer>
</body>
</html>`.__html
  }`;
}
