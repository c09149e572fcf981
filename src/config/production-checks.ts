// What production refuses beyond the schema (issue 19 #14): weak, repeated or shared secrets, an issuer
// that is not https, and cookies without Secure. Returns one "VARIABLE: reason" line per problem.

/** Fewer distinct characters than this is not a random secret (random hex of 32 has about 14). */
export const MIN_DISTINCT_CHARACTERS = 10;

/** The smallest p such that value[i] === value[i - p] for all i, i.e. value is a block repeated. */
function period(value: string): number {
  for (let p = 1; p <= value.length / 2; p++) {
    let repeats = true;
    for (let i = p; i < value.length && repeats; i++) repeats = value[i] === value[i - p];
    if (repeats) return p;
  }
  return value.length;
}

/**
 * Why a secret is too weak, or undefined. The estimate is deliberately simple: a random secret of
 * ≥ 32 characters has at least MIN_DISTINCT_CHARACTERS distinct characters and is not a shorter
 * block repeated (it has no period of at most half its length).
 */
export function secretWeakness(value: string): string | undefined {
  const distinct = new Set(value).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `only ${distinct} distinct characters (at least ${MIN_DISTINCT_CHARACTERS})`;
  const p = period(value);
  if (p <= value.length / 2) return `it repeats a block of ${p} characters`;
  return undefined;
}

export interface ProductionSettings {
  secretsSystem: readonly string[];
  secretsCookie: readonly string[];
  issuer: string;
  tlsTerminatedAtProxy: boolean;
  cookiesSecure: boolean | undefined;
}

export function productionProblems(s: ProductionSettings): string[] {
  const problems: string[] = [];
  for (const [name, values] of [['SECRETS_SYSTEM', s.secretsSystem], ['SECRETS_COOKIE', s.secretsCookie]] as const) {
    values.forEach((value, i) => {
      const weak = secretWeakness(value);
      const which = values.length > 1 ? `value ${i + 1} is ` : '';
      if (weak) problems.push(`${name}: too weak: ${which}not random: ${weak}; generate one with: openssl rand -base64 32`);
    });
    if (new Set(values).size !== values.length) problems.push(`${name}: a value is repeated in the list`);
  }
  // One secret for two jobs: a leaked cookie key would also decrypt signing keys and sealed secrets.
  if (s.secretsCookie.some((v) => s.secretsSystem.includes(v))) problems.push('SECRETS_COOKIE: must differ from SECRETS_SYSTEM (no value may be in both)');
  if (!s.issuer.startsWith('https://') && !s.tlsTerminatedAtProxy) {
    problems.push(`URLS_SELF_ISSUER: must be https in production (${s.issuer}); if browsers reach it over https through a proxy that ends TLS, set TLS_TERMINATED_AT_PROXY=true`);
  }
  if (s.cookiesSecure === false) problems.push('COOKIES_SECURE: cannot be false in production (session cookies must not travel over plain http)');
  return problems;
}
