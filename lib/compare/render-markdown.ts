// A comparison as Markdown, for a pull request or a CI summary.
import { formatValue } from '../report/thresholds.ts';
import { changeText, outcome, runLine, thresholdValue } from './render-parts.ts';
import type { Comparison } from './types.ts';

const MARK = { pass: '✅ pass', crossed: '❌ **crossed**', 'no data': '– no data', 'needs a base': '– needs a base' } as const;
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(c: Comparison, o: { all?: boolean } = {}): string {
  const out = ['## Swarm runs compared', '', `- base: ${cell(runLine(c.base))}`, `- head: ${cell(runLine(c.head))}`, ''];
  const shown = c.figures.filter((f) => o.all || f.moved);
  out.push(o.all ? '### Figures' : `### Figures that moved (by ${c.minChangePercent} % or more)`, '');
  if (shown.length) {
    out.push('| figure | base | head | change |', '| --- | ---: | ---: | ---: |');
    for (const f of shown) out.push(`| ${cell(f.label)} | ${formatValue(f.base, f.unit)} | ${formatValue(f.head, f.unit)} | ${changeText(f)} |`);
  } else {
    out.push('None.');
  }
  const still = c.figures.length - c.figures.filter((f) => f.moved).length;
  if (!o.all && still) out.push('', `${still} other figure${still === 1 ? '' : 's'} moved less.`);
  out.push('', `### Thresholds (from ${c.thresholdsFrom})`, '');
  if (c.thresholds.length) {
    out.push('| result | threshold | value |', '| --- | --- | --- |');
    for (const t of c.thresholds) out.push(`| ${MARK[t.status]} | ${cell(t.text)} | ${cell(thresholdValue(t))} |`);
  } else {
    out.push('None.');
  }
  out.push('', `**${outcome(c.crossed, c.thresholds.length)}**`, '');
  return out.join('\n');
}
