// The operator's brand and theme (issue 17): name, operator, logo, colour, support links from the configuration,
// else from the theme directory's brand.json, else Lightgate's. The theme directory overrides without a fork:
//   theme.css            served after lightgate.css on every page
//   logo.svg | logo.png  the header logo (unless BRAND_LOGO_URL names one)
//   brand.json           {"name", "operator", "color", "logoUrl", "supportUrl", "supportEmail"}
//   messages/<locale>.json  any message of any catalog, by key
//   templates/head.html, templates/footer.html  trusted markup added to <head> and replacing the footer text
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { LOCALES, type Locale } from './locale.ts';

export interface Theme {
  readonly name: string;
  /** Who runs the service ("reviewed by <operator>"). */
  readonly operator: string;
  /** Absolute URL, or /assets/theme-logo.<ext> for the theme directory's logo. */
  readonly logoUrl: string | undefined;
  readonly color: string;
  /** Text on the brand colour: black or white, whichever contrasts more. */
  readonly colorText: string;
  readonly supportUrl: string | undefined;
  readonly supportEmail: string | undefined;
  /** The brand's CSS variables, then the theme directory's theme.css. */
  readonly css: string;
  readonly logoFile: { readonly name: string; readonly type: string; readonly body: Buffer } | undefined;
  readonly messages: Readonly<Partial<Record<Locale, Readonly<Record<string, string>>>>>;
  readonly templates: { readonly head: string | undefined; readonly footer: string | undefined };
}

const DEFAULT_COLOR = '#f7931a';

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast: dark text unless white contrasts more. */
export function textOn(hex: string): string {
  const l = luminance(hex);
  return (1.05 / (l + 0.05) > (l + 0.05) / (luminance('#141923') + 0.05) ? '#ffffff' : '#141923');
}

const readText = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

function readJson(path: string): Record<string, unknown> {
  const text = readText(path);
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

function strings(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function loadTheme(brand: Config['brand'] | undefined): Theme {
  const dir = brand?.themeDir;
  // A theme directory that is not there is a mistake to report at start, not a silent default look.
  if (dir && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`THEME_DIR: ${dir} is not a directory`);
  const file = dir ? readJson(join(dir, 'brand.json')) : {};
  const color = [brand?.color, str(file.color)].find((c) => c && /^#[0-9a-fA-F]{6}$/.test(c)) ?? DEFAULT_COLOR;
  const logoName = dir ? ['logo.svg', 'logo.png'].find((n) => existsSync(join(dir, n))) : undefined;
  const logoFile = dir && logoName ? { name: `theme-${logoName}`, type: logoName.endsWith('.svg') ? 'image/svg+xml' : 'image/png', body: readFileSync(join(dir, logoName)) } : undefined;
  const name = brand?.name ?? str(file.name) ?? 'Lightgate';
  const messages: Partial<Record<Locale, Record<string, string>>> = {};
  if (dir) for (const locale of LOCALES) messages[locale] = strings(readJson(join(dir, 'messages', `${locale}.json`)));
  const colorText = textOn(color);
  const vars = `:root { --brand: ${color}; --brand-strong: ${color}; --brand-text: ${colorText}; }\n`;
  return {
    name,
    operator: brand?.operator ?? str(file.operator) ?? name,
    logoUrl: brand?.logoUrl ?? str(file.logoUrl) ?? (logoFile ? `/assets/${logoFile.name}` : undefined),
    color,
    colorText,
    supportUrl: brand?.supportUrl ?? str(file.supportUrl),
    supportEmail: brand?.supportEmail ?? str(file.supportEmail),
    css: vars + (dir ? (readText(join(dir, 'theme.css')) ?? '') : ''),
    logoFile,
    messages,
    templates: { head: dir ? readText(join(dir, 'templates', 'head.html')) : undefined, footer: dir ? readText(join(dir, 'templates', 'footer.html')) : undefined },
  };
}

export const DEFAULT_THEME: Theme = loadTheme(undefined);
