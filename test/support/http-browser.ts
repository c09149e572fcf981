// A cookie-keeping HTTP client that follows redirects by hand, as a browser would, and stops when a
// redirect leaves the authorization server (to the login & consent app or the client's callback).
// Cookies are kept per host (RFC 6265 ignores ports), enough for one origin on 127.0.0.1.

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

export interface FollowResult {
  /** The URL the last redirect pointed to when it left the server (stopped), or the last URL fetched. */
  url: URL;
  hops: Hop[];
  /** Set when the chain ended on a non-redirect response instead of leaving the server. */
  response?: { status: number; body: string; headers: Headers };
}

export interface Browser {
  fetch(url: string | URL, init?: RequestInit): Promise<Response>;
  follow(url: string | URL, stayOn: (u: URL) => boolean, maxHops?: number): Promise<FollowResult>;
  cookies(host: string): Map<string, string>;
  clear(): void;
}

export function createBrowser(): Browser {
  const jar = new Map<string, Map<string, string>>();

  const cookies = (host: string) => {
    let m = jar.get(host);
    if (!m) jar.set(host, (m = new Map()));
    return m;
  };

  const store = (host: string, headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq < 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.split('=').map((s) => s.trim());
        if (k?.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k?.toLowerCase() === 'expires') return Date.parse(v ?? '') < Date.now();
        return false;
      });
      if (expired || value === '') cookies(host).delete(name);
      else cookies(host).set(name, value);
    }
  };

  const doFetch = async (url: string | URL, init: RequestInit = {}) => {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const c = [...cookies(u.hostname)].map(([k, v]) => `${k}=${v}`).join('; ');
    if (c) headers.set('cookie', c);
    const res = await fetch(u, { ...init, headers, redirect: 'manual' });
    store(u.hostname, res.headers);
    return res;
  };

  return {
    fetch: doFetch,
    cookies,
    clear: () => jar.clear(),
    async follow(start, stayOn, maxHops = 15) {
      let url = new URL(start);
      const hops: Hop[] = [];
      for (let i = 0; i < maxHops; i++) {
        const res = await doFetch(url);
        const location = res.headers.get('location') ?? undefined;
        hops.push({ url: url.href, status: res.status, location });
        if (res.status >= 300 && res.status < 400 && location) {
          await res.arrayBuffer();
          const next = new URL(location, url);
          if (!stayOn(next)) return { url: next, hops };
          url = next;
          continue;
        }
        return { url, hops, response: { status: res.status, body: await res.text(), headers: res.headers } };
      }
      throw new Error(`too many redirects: ${JSON.stringify(hops)}`);
    },
  };
}
