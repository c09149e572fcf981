// Pieces shared by the sign-in, consent and logout pages.
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { hidden } from '../../web/components.ts';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { tKit } from '../../web/messages.ts';
import { t } from '../messages.ts';

export interface FormContext {
  csrfField: string;
  csrfToken: string;
}

export const csrfInput = (f: FormContext): SafeHtml => hidden(f.csrfField, f.csrfToken);

export const appName = (client: OAuth2Client | null | undefined): string => client?.client_name?.trim() || client?.client_id || t('login.anApp');

/**
 * The app's logo (https only, so the CSP allows it) over its initial: a logo that fails to load (alt="") draws
 * nothing, so the initial shows through (issue 17), without a script.
 */
export function appLogo(client: OAuth2Client): SafeHtml {
  const logo = safeUrl(client.logo_uri);
  const letter = appName(client).slice(0, 1).toUpperCase();
  const initial = html`<span class="app-logo" aria-hidden="true">${letter}</span>`;
  return html`<span class="app-logo-wrap">${initial}${logo && logo.startsWith('https:') ? html`<img class="app-logo" src="${logo}" alt="" width="56" height="56" data-initial="${letter}">` : ''}</span>`;
}

/** Website, privacy policy and terms links, when the app registered them. */
export function appLinks(client: OAuth2Client): SafeHtml {
  const links: [string | undefined, string][] = [
    [safeUrl(client.client_uri), t('consent.website')],
    [safeUrl(client.policy_uri), t('consent.privacy')],
    [safeUrl(client.tos_uri), t('consent.terms')],
  ];
  const items = links
    .filter(([href]) => href)
    .map(([href, label]) => html`<li><a href="${href}" rel="noopener noreferrer" target="_blank">${label}<span class="visually-hidden"> ${tKit('kit.newTab')}</span></a></li>`);
  return items.length ? html`<ul class="app-links">${items}</ul>` : html``;
}

export function appHeader(client: OAuth2Client, headingId: string, heading: string): SafeHtml {
  return html`<div class="app">${appLogo(client)}<div><h1 class="app-name" id="${headingId}">${heading}</h1>${appLinks(client)}</div></div>`;
}

/** Placeholder for a value that a translated sentence shows in bold: t('key', { app: MARK }), then strongIn(…). */
export const MARK = '\u0000';

/** The translated sentence with the marked place holding `value` in <strong> (breakable: addresses, names). */
export function strongIn(sentence: string, value: string): SafeHtml {
  const [before = '', ...after] = sentence.split(MARK);
  return html`${before}<strong class="breakable">${value}</strong>${after.join('')}`;
}
