// The few pages the authorization server renders itself: errors it must not redirect (unknown client or
// redirect_uri, RFC 6749 section 4.1.2.1), in the web kit's branded, translated frame (issue 17 #2): plain words,
// "Back to <app>" where the app's address is known, and the engine's details for developers, collapsed.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { html, safeUrl, type SafeHtml } from '../../web/html.ts';
import { renderPage } from '../../web/layout.ts';
import { currentWeb } from '../../web/web-context.ts';
import { tAuth } from './page-messages.ts';

/** What is known of the request that failed (all optional: an unknown client has none of it). */
export interface ErrorPageDetails {
  client?: { client_id: string; client_name?: string | undefined; client_uri?: string | undefined; redirect_uris?: readonly string[] | undefined; portal_application_id?: string | undefined } | undefined;
  /** The redirect_uri the request sent (shown to developers only, as text). */
  redirectUri?: string | undefined;
  /** The developer portal's base URL (a link to the app's page there). */
  portalUrl?: string | undefined;
}

type Kind = 'unknownClient' | 'badRedirect' | 'denied' | 'expired' | 'invalid' | 'unavailable';

function kindOf(out: { error: string; error_description?: string }, status: number): Kind {
  if (status >= 500 || out.error === 'server_error' || out.error === 'temporarily_unavailable') return 'unavailable';
  if (out.error === 'invalid_client') return 'unknownClient';
  if (out.error === 'invalid_redirect_uri' || /redirect_uri/.test(out.error_description ?? '')) return 'badRedirect';
  if (out.error === 'access_denied') return 'denied';
  if (/expired|not found|session/i.test(out.error_description ?? '')) return 'expired';
  return 'invalid';
}

/** The app's own address: its website, else the origin of its first registered redirect. */
function appHome(details: ErrorPageDetails | undefined): string | undefined {
  const client = details?.client;
  if (!client) return undefined;
  const site = safeUrl(client.client_uri);
  if (site) return site;
  const first = client.redirect_uris?.map((u) => URL.parse(u)).find((u) => u && /^https?:$/.test(u.protocol));
  return first ? `${first.origin}/` : undefined;
}

function developerDetails(out: { error: string; error_description?: string }, details: ErrorPageDetails | undefined): SafeHtml {
  const client = details?.client;
  const registered = client?.redirect_uris ?? [];
  const portal = client && details?.portalUrl ? `${details.portalUrl}/apps${client.portal_application_id ? `/${encodeURIComponent(client.portal_application_id)}` : ''}` : undefined;
  return html`<details class="dev"><summary>${tAuth('auth.dev.summary')}</summary>
<p>${tAuth('auth.dev.error')} <code>${out.error}</code>${out.error_description ? html` · <span class="breakable">${out.error_description}</span>` : ''}</p>
${client ? html`<p>${tAuth('auth.dev.client')} <code>${client.client_id}</code></p>` : ''}
<p>${tAuth('auth.dev.sent')} ${details?.redirectUri ? html`<code>${details.redirectUri}</code>` : tAuth('auth.dev.none')}</p>
${client ? html`<p>${tAuth('auth.dev.registered')}</p><ul>${registered.length ? registered.map((u) => html`<li><code>${u}</code></li>`) : html`<li>${tAuth('auth.dev.none')}</li>`}</ul>` : ''}
${portal ? html`<p><a href="${portal}">${tAuth('auth.dev.portal')}</a></p>` : ''}
</details>`;
}

export function renderErrorPage(out: { error: string; error_description?: string }, status: number, details?: ErrorPageDetails): string {
  const kind = kindOf(out, status);
  const name = currentWeb().theme.name;
  const app = details?.client?.client_name?.trim() || details?.client?.client_id || '';
  const home = kind === 'unknownClient' ? undefined : appHome(details);
  const title = tAuth(`auth.${kind}.title`);
  return renderPage({
    title,
    body: html`<section class="card" aria-labelledby="title">
<h1 id="title">${title}</h1>
<p class="lead">${tAuth(`auth.${kind}.body`, { name, app: app || name })}</p>
${home ? html`<a class="button primary" href="${home}">${tAuth('auth.back', { app: app || home })}</a>` : html`<p class="muted small">${tAuth('auth.startAgain')}</p>`}
${developerDetails(out, details)}
</section>`,
  });
}

/**
 * What is known of the failed request: its client as oidc-provider found it, the redirect_uri sent, and the
 * client's developer portal application (from the stored client's Hydra metadata).
 */
export async function errorDetailsOf(ctx: KoaContextWithOIDC, portalUrl: string, storedMetadata: (clientId: string) => Promise<Record<string, unknown> | undefined>): Promise<ErrorPageDetails> {
  const client = ctx.oidc?.client;
  const params = (ctx.oidc?.params ?? ctx.query) as Record<string, unknown> | undefined;
  const sent = typeof params?.redirect_uri === 'string' ? params.redirect_uri.slice(0, 2048) : undefined;
  const applicationId = client ? (await storedMetadata(client.clientId).catch(() => undefined))?.portal_application_id : undefined;
  return {
    ...(client
      ? {
          client: {
            client_id: client.clientId,
            client_name: client.clientName,
            client_uri: client.clientUri,
            redirect_uris: client.redirectUris ?? [],
            portal_application_id: typeof applicationId === 'string' ? applicationId : undefined,
          },
        }
      : {}),
    redirectUri: sent,
    portalUrl,
  };
}
