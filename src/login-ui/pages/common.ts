// Pieces shared by the sign-in, consent and logout pages.
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { hidden } from '../../web/components.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';

export interface FormContext {
  csrfField: string;
  csrfToken: string;
}

export const csrfInput = (f: FormContext): SafeHtml => hidden(f.csrfField, f.csrfToken);

export const appName = (client: OAuth2Client | null | undefined): string => client?.client_name?.trim() || client?.client_id || 'an app';

/** The app's logo (https only, so the CSP allows it) or its initial. */
export function appLogo(client: OAuth2Client): SafeHtml {
  const logo = safeUrl(client.logo_uri);
  if (logo && logo.startsWith('https:')) return html`<img class="app-logo" src="${logo}" alt="" width="56" height="56">`;
  return html`<span class="app-logo" aria-hidden="true">${appName(client).slice(0, 1).toUpperCase()}</span>`;
}

/** Website, privacy policy and terms links, when the app registered them. */
export function appLinks(client: OAuth2Client): SafeHtml {
  const links: [string | undefined, string][] = [
    [safeUrl(client.client_uri), 'Website'],
    [safeUrl(client.policy_uri), 'Privacy policy'],
    [safeUrl(client.tos_uri), 'Terms of service'],
  ];
  const items = links.filter(([href]) => href).map(([href, label]) => html`<li><a href="${href}" rel="noopener noreferrer" target="_blank">${label}<span class="visually-hidden"> (opens in a new tab)</span></a></li>`);
  return items.length ? html`<ul class="app-links">${items}</ul>` : html``;
}

export function appHeader(client: OAuth2Client, headingId: string, heading: string): SafeHtml {
  return html`<div class="app">${appLogo(client)}<div><h1 class="app-name" id="${headingId}">${heading}</h1>${appLinks(client)}</div></div>`;
}
