// The supported languages and how a request's language is chosen (issue 17).
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's own name, for the switch. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', es: 'Español' };

/** The cookie the language switch sets. */
export const LANGUAGE_COOKIE = 'lg_lang';

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** The switch's choice, else the best supported language of Accept-Language (RFC 9110 section 12.5.4) by q-value, else English. */
export function negotiateLocale(acceptLanguage: string | undefined, chosen?: unknown): Locale {
  if (isLocale(chosen)) return chosen;
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.q > 0 && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((x) => x.primary).find(isLocale) ?? 'en';
}
