// What the text and Markdown renderings of a comparison share: how a run, a change and a
// threshold's outcome are said.
import { formatValue, type ThresholdResult } from '../report/thresholds.ts';
import { unitOf } from '../report/figures.ts';
import type { FigureChange, RunRef } from './types.ts';

export function runLine(r: RunRef): string {
  return `${r.path} (swarm ${r.swarm}, started ${r.startedAt}, ${r.durationSeconds?.toFixed(0) ?? '–'} s, ${r.endReason ?? 'running'})`;
}

/** "+10.2 %", "+3" (from 0), "new", "gone" */
export function changeText(c: FigureChange): string {
  if (c.base === null) return 'only in head';
  if (c.head === null) return 'only in base';
  if (c.percent !== null) return `${c.percent >= 0 ? '+' : ''}${c.percent.toFixed(1)} %`;
  return c.change === 0 ? '=' : `${c.change! > 0 ? '+' : ''}${formatValue(c.change, c.unit)}`;
}

export function thresholdValue(t: ThresholdResult): string {
  const unit = unitOf(t.rule.metric);
  const parts = [`${formatValue(t.value, unit)}${t.subject ? ` (${t.subject})` : ''}`];
  if (t.base !== null) parts.push(`base ${formatValue(t.base, unit)}`);
  if (t.limit !== null) parts.push(`limit ${formatValue(t.limit, unit)}`);
  return parts.join(', ');
}

export const outcome = (crossed: number, total: number) =>
  !total ? 'no thresholds to check: exit 0' : crossed ? `${crossed} of ${total} threshold${total === 1 ? '' : 's'} crossed: exit 2` : `all ${total} threshold${total === 1 ? '' : 's'} within: exit 0`;
