// A small SVG line chart of the soak's samples (RSS and JS heap used over time, with the goal line), written
// by bench/startup-memory.ts into docs/soak-memory.svg. No chart library: two polylines and their axes.
import type { SoakSample } from './memory-soak.ts';

export function soakChart(samples: SoakSample[], options: { goalMiB: number; title: string }): string {
  const [W, H, L, R, T, B] = [720, 320, 56, 16, 36, 40];
  const maxX = Math.max(60, ...samples.map((s) => s.seconds));
  const maxY = Math.ceil(Math.max(options.goalMiB * 1.1, ...samples.map((s) => s.rssMiB)) / 50) * 50;
  const x = (sec: number) => L + (sec / maxX) * (W - L - R);
  const y = (mib: number) => H - B - (mib / maxY) * (H - T - B);
  const line = (pick: (s: SoakSample) => number) => samples.map((s) => `${x(s.seconds).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ');
  const yTicks = Array.from({ length: maxY / 50 + 1 }, (_, i) => i * 50).filter((v, _, all) => all.length <= 12 || v % 100 === 0);
  const stepX = maxX > 300 ? 60 : maxX > 120 ? 30 : 10;
  const xTicks = Array.from({ length: Math.floor(maxX / stepX) + 1 }, (_, i) => i * stepX);
  const text = (tx: number, ty: number, s: string, anchor = 'middle') => `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}">${s}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    text(W / 2, 18, options.title.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
    ...yTicks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>${text(L - 6, y(v) + 4, String(v), 'end')}`),
    ...xTicks.map((v) => `<line x1="${x(v)}" x2="${x(v)}" y1="${H - B}" y2="${H - B + 4}" stroke="#999"/>${text(x(v), H - B + 16, stepX >= 60 ? `${v / 60} min` : `${v} s`)}`),
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/>`,
    text(14, (T + H - B) / 2, 'MiB', 'middle'),
    `<line x1="${L}" x2="${W - R}" y1="${y(options.goalMiB)}" y2="${y(options.goalMiB)}" stroke="#c00" stroke-dasharray="6 4"/>`,
    text(W - R - 4, y(options.goalMiB) - 5, `goal ${options.goalMiB.toFixed(0)} MiB (${Math.round((options.goalMiB * 2 ** 20) / 1e6)} MB)`, 'end'),
    `<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${line((s) => s.rssMiB)}"/>`,
    `<polyline fill="none" stroke="#2da44e" stroke-width="2" points="${line((s) => s.heapMiB)}"/>`,
    `<polyline fill="none" stroke="#bf8700" stroke-width="1.5" stroke-dasharray="3 2" points="${line((s) => s.heapTotalMiB)}"/>`,
    `<rect x="${L + 10}" y="${T + 4}" width="10" height="3" fill="#1f6feb"/>${text(L + 26, T + 9, 'RSS (whole process)', 'start')}`,
    `<rect x="${L + 150}" y="${T + 4}" width="10" height="3" fill="#2da44e"/>${text(L + 166, T + 9, 'JS heap used', 'start')}`,
    `<rect x="${L + 260}" y="${T + 4}" width="10" height="3" fill="#bf8700"/>${text(L + 276, T + 9, 'JS heap committed', 'start')}`,
    '</svg>',
    '',
  ].join('\n');
}
