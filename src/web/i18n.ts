// Message catalogs (issue 17): English and Spanish, chosen per request (the language switch's cookie, else
// Accept-Language, else English). Each module defines its own catalog with defineMessages(en, es): the Spanish
// one must name every English key (the type checker holds them complete), and a theme's messages/<locale>.json
// may override any key. t() reads the request's locale from the web context (web-context.ts).
import type { Locale } from './locale.ts';
import { currentWeb } from './web-context.ts';

export { LANGUAGE_NAMES, LOCALES, isLocale, negotiateLocale, type Locale } from './locale.ts';

export type Params = Readonly<Record<string, string | number>>;

/** {name} placeholders; numbers formatted for the locale. */
export function interpolate(template: string, params: Params | undefined, locale: Locale): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export type Translator<K extends string> = ((key: K, params?: Params) => string) & {
  /** The catalogs themselves (tests check that Spanish is complete and keeps the placeholders). */
  readonly catalogs: Readonly<Record<Locale, Readonly<Record<K, string>>>>;
};

/** A module's catalog: `const t = defineMessages({ ... }, { ... })`, then `t('key', { name })` while serving a request. */
export function defineMessages<const E extends Record<string, string>>(en: E, es: { readonly [K in keyof E]: string }): Translator<Extract<keyof E, string>> {
  const catalogs = { en, es } as Record<Locale, Record<string, string>>;
  const t = (key: string, params?: Params): string => {
    const { locale, theme } = currentWeb();
    const template = theme.messages[locale]?.[key] ?? catalogs[locale][key] ?? en[key] ?? key;
    return interpolate(template, params, locale);
  };
  return Object.assign(t, { catalogs }) as unknown as Translator<Extract<keyof E, string>>;
}

/** The request's locale (English outside a request). */
export const currentLocale = (): Locale => currentWeb().locale;
