// Durations in Hydra's style ("30s", "10m", "1h", "720h", "1h30m"); a bare number is seconds.
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[smhd])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  return total;
}
