// One GraphQL call over HTTP to a running API (POST /graphql, JSON), with the answer's status, body and headers.

export interface GqlBody {
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: { message: string; extensions?: { code?: string } }[];
  error?: string;
}

export interface GqlAnswer {
  status: number;
  body: GqlBody;
  headers: Headers;
}

export async function graphql(apiBase: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer> {
  const res = await fetch(`${apiBase}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: GqlBody;
  try {
    body = JSON.parse(text) as GqlBody;
  } catch {
    throw new Error(`non-JSON answer ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body, headers: res.headers };
}
