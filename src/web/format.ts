// Dates, numbers and amounts in the request's language (issue 17: formatted per locale).
import { currentLocale } from './i18n.ts';

const TAGS = { en: 'en-US', es: 'es-419' } as const;
const tag = () => TAGS[currentLocale()];

/** "Nov 28, 2026, 10:14 UTC" / "28 nov 2026, 10:14 UTC"; "—" for none. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC', hourCycle: 'h23' }).format(date) + ' UTC';
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export const formatNumber = (value: number): string => new Intl.NumberFormat(tag()).format(value);

/** An amount in its smallest unit: sats ("1,234 sats") or US cents ("$12.34" / "US$12.34"). */
export function formatAmount(amount: number | bigint, currency: 'BTC' | 'USD'): string {
  if (currency === 'USD') return new Intl.NumberFormat(tag(), { style: 'currency', currency: 'USD' }).format(Number(amount) / 100);
  return `${new Intl.NumberFormat(tag()).format(amount)} sats`;
}
