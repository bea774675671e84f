// A comparison for a terminal or a CI log: the runs, the figures that moved, the thresholds.
import { formatValue } from '../report/thresholds.ts';
import { changeText, outcome, runLine, thresholdValue } from './render-parts.ts';
import type { Comparison } from './types.ts';

const MARK = { pass: '✓ pass   ', crossed: '✗ CROSSED', 'no data': '- no data', 'needs a base': '- no base' } as const;

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd());
}

export function renderText(c: Comparison, o: { all?: boolean } = {}): string {
  const out = ['assisted-swarm report compare', `  base: ${runLine(c.base)}`, `  head: ${runLine(c.head)}`, ''];
  const shown = c.figures.filter((f) => o.all || f.moved);
  const still = c.figures.length - c.figures.filter((f) => f.moved).length;
  out.push(o.all ? 'Figures:' : `Figures that moved (by ${c.minChangePercent} % or more):`);
  if (shown.length) {
    out.push(...columns([['figure', 'base', 'head', 'change'], ...shown.map((f) => [f.label, formatValue(f.base, f.unit), formatValue(f.head, f.unit), changeText(f)])]).map((l) => `  ${l}`));
  } else {
    out.push('  none');
  }
  if (!o.all && still) out.push(`  (${still} other figure${still === 1 ? '' : 's'} moved less; --all lists every one)`);
  out.push('', `Thresholds (${c.thresholds.length}, from ${c.thresholdsFrom}):`);
  for (const t of c.thresholds) out.push(`  ${MARK[t.status]}  ${t.text}: ${thresholdValue(t)}`);
  if (!c.thresholds.length) out.push('  none');
  out.push('', outcome(c.crossed, c.thresholds.length), '');
  return out.join('\n');
}
