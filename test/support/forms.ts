// HTML forms of the login & consent app and the portal, read the way a browser without JavaScript would:
// the CSRF token every form carries (double-submit, with its cookie) and url-encoded bodies to post.

/** The CSRF token (`_csrf` hidden field) of the first form on a page, if there is one. */
export function csrfToken(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** An application/x-www-form-urlencoded body; an array value repeats its field (e.g. several scopes). */
export function formBody(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}
