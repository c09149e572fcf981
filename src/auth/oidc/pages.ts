// The few pages the authorization server renders itself: errors it must not redirect (unknown client or
// redirect_uri, RFC 6749 section 4.1.2.1).
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The inline style, allowed by its hash in the CSP (page-headers.ts). */
export const ERROR_PAGE_STYLE = `body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1b1d21;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;padding:2rem;border-radius:12px;max-width:32rem;box-shadow:0 2px 12px #0001}h1{font-size:1.25rem}code{background:#eef;padding:.1rem .3rem;border-radius:4px}`;

export function renderErrorPage(out: { error: string; error_description?: string }, status: number): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign-in error</title><style>${ERROR_PAGE_STYLE}</style></head><body><main role="alert">
<h1>${status >= 500 ? 'The sign-in service is unavailable' : 'This sign-in request cannot continue'}</h1>
<p>${escapeHtml(out.error_description ?? 'The request is invalid.')}</p>
<p>Error code: <code>${escapeHtml(out.error)}</code></p>
<p>Go back to the application you came from and try again.</p></main></body></html>`;
}

