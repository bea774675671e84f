// A diff as terminal text: the two sides, then each unit that changes (a cluster, a pool, the
// swarm itself) with its entries (+ added, - removed, ~ changed with the field tree plan shows
// too), and the summary line last.
import { fieldTreeLines } from '../plan/render-parts.ts';
import { entryCounts, MARK, sideText, summaryLine, swarmText, VERB } from './render-parts.ts';
import { isEmptyDiff, type EntryChange, type SwarmDiff, type UnitDiff } from './types.ts';

export interface TextOptions {
  color?: boolean;
  /** Units listed up to this many (default 200); the rest are counted. */
  maxUnits?: number;
  /** Entries listed per unit up to this many (default 50). */
  maxEntries?: number;
}

/** "cluster/big-1 (added: 5 objects, 1 host)", "cluster/sno-1". */
const unitTitle = (u: UnitDiff) => (u.op === 'change' ? u.unit : `${u.unit} (${VERB[u.op]}: ${entryCounts(u.changes)})`);

const ANSI = { green: 32, yellow: 33, red: 31, bold: 1 } as const;

export function renderText(diff: SwarmDiff, options: TextOptions = {}): string {
  const paint = (style: keyof typeof ANSI, s: string) => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const color = { add: 'green', remove: 'red', change: 'yellow' } as const;
  const sign = (op: EntryChange['op']) => paint(color[op], MARK[op]);
  const maxUnits = options.maxUnits ?? 200;
  const maxEntries = options.maxEntries ?? 50;

  const out = [paint('bold', `assisted-swarm diff: swarm ${swarmText(diff.base, diff.head)}`)];
  out.push(`  config: ${diff.config}`, `  base:   ${sideText(diff.base)}`, `  head:   ${sideText(diff.head)}`, '');

  for (const unit of diff.units.slice(0, maxUnits)) {
    out.push(`${sign(unit.op)} ${unitTitle(unit)}`);
    for (const c of unit.changes.slice(0, maxEntries)) {
      out.push(`    ${sign(c.op)} ${c.key}`);
      for (const line of fieldTreeLines(c.fields ?? [], (op) => `${sign(op)} `)) out.push(`        ${line}`);
    }
    if (unit.changes.length > maxEntries) out.push(`    … ${unit.changes.length - maxEntries} more (--json lists every one)`);
  }
  if (diff.units.length > maxUnits) out.push(`… ${diff.units.length - maxUnits} more clusters and pools change (--json lists every one)`);
  if (diff.units.length) out.push('');

  if (isEmptyDiff(diff)) out.push('No changes: both sides synthesize the same dist/.');
  out.push(paint('bold', `Diff: ${summaryLine(diff.summary)}.`));
  return `${out.join('\n')}\n`;
}
