// oidc-provider's outgoing requests (back-channel logout tokens, issue 19 #7) refuse special-use
// addresses (loopback, private networks) against SSRF. Lightgate's own services, at the URLs the
// operator configured (the portal's backchannel_logout_uri), may live there: for exactly those
// origins the request goes without that check. Every other URL keeps it.
import type { Config } from '../../config/config.ts';

export function ownServicesFetch(config: Config): typeof globalThis.fetch {
  const own = new Set([config.urls.portal, config.urls.ui, config.urls.api].map((u) => new URL(u).origin));
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!init || !own.has(new URL(url).origin)) return globalThis.fetch(input, init);
    const { dispatcher: _ssrfCheck, ...rest } = init as RequestInit & { dispatcher?: unknown };
    return globalThis.fetch(input, rest);
  };
}
