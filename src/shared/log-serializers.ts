// What a request looks like in the logs: fastify's fields, with the values of query parameters that
// carry codes, verifiers, challenges or tokens replaced (they are bearer secrets in a URL).
const SECRET_PARAM = /^(code|code_verifier|client_secret|token|state_token|api_key|apikey|password|(login|consent|logout)_(verifier|challenge)|[a-z_]*token[a-z_]*)$/i;

export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep the raw name
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export const logSerializers = {
  req(req: RequestLike) {
    return { method: req.method, url: req.url === undefined ? undefined : scrubUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
  },
};
