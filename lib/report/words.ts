// Small ways of saying figures that the Markdown and the HTML share.
import type { Gap } from '../metrics/types.ts';

export const ms = (s: number | null) => (s === null ? '–' : s * 1000 < 10 ? (s * 1000).toFixed(1) : (s * 1000).toFixed(0));
export const mib = (bytes: number | null) => (bytes === null ? '–' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
export const cores = (c: number | null) => (c === null ? '–' : `${c.toFixed(2)} cores`);
export const count = (n: number) => n.toLocaleString('en-US');
export const perSecond = (r: number | null) => (r === null ? '–' : r < 10 ? r.toFixed(2) : r.toFixed(1));

/** "+62 s – +92 s (30 s; 6 failed scrapes: connect ECONNREFUSED 127.0.0.1:8090)" */
export function gapText(g: Gap, startedAt: number): string {
  const rel = (t: number) => `+${((t - startedAt) / 1000).toFixed(0)} s`;
  return `${rel(g.from)} – ${rel(g.to)} (${((g.to - g.from) / 1000).toFixed(0)} s; ${g.failures} failed scrape${g.failures === 1 ? '' : 's'}: ${g.reason})`;
}
