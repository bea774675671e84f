// A diff as Markdown for a pull-request comment: a table of counts, then the changes grouped
// by cluster and pool: changed units with their field trees as `diff` blocks (a long one folded
// in <details>), added and removed units folded. GitHub cuts comments at 65,536 characters, so
// sections stop short of that with a count of what was left out. The first line is a marker a
// CI job finds its earlier comment by (docs/pr-review.md).
import { fieldDiffLines, plural } from '../plan/render-parts.ts';
import { entryCounts, MARK, sideText, summaryLine, swarmText, VERB } from './render-parts.ts';
import { isEmptyDiff, type Counts, type SwarmDiff, type UnitDiff } from './types.ts';

export const COMMENT_MARKER = '<!-- assisted-swarm-diff -->';

export interface MarkdownOptions {
  /** Characters at most (default 60,000, under GitHub's limit). */
  maxLength?: number;
  /** A changed unit longer than this many lines is folded (default 30). */
  foldLines?: number;
  /** Entries listed per added or removed unit (default 30). */
  maxEntries?: number;
  /** Added (or removed) clusters, and pools, named up to this many (default 300). */
  maxUnits?: number;
}

/** Added and removed units whose entries are listed; the rest by name only. */
const DETAILED_UNITS = 10;

/** Inline code that survives backticks in the text. */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
/** The same inside HTML (a <summary>), where Markdown is not read. */
const htmlCode = (s: string) => `<code>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`;

function changedUnit(u: UnitDiff, foldLines: number): string[] {
  const body: string[] = [];
  const listed = u.changes.filter((c) => c.op !== 'change');
  for (const c of listed) body.push(`- ${VERB[c.op]} ${code(c.key)}`);
  if (listed.length) body.push('');
  for (const c of u.changes.filter((c) => c.op === 'change')) {
    body.push(`${MARK.change} ${code(c.key)}`, '', '```diff', ...fieldDiffLines(c.fields ?? []), '```', '');
  }
  const title = (c: typeof code) => `${MARK.change} ${c(u.unit)}: ${entryCounts(u.changes)} changed`;
  if (body.length <= foldLines) return [`**${title(code)}**`, '', ...body];
  return [`<details><summary><b>${title(htmlCode)}</b></summary>`, '', ...body, '</details>', ''];
}

/** One folded list per kind and op ("2 clusters added"): entries of the first units, then names only. */
function addedOrRemoved(units: UnitDiff[], o: Required<Pick<MarkdownOptions, 'maxEntries' | 'maxUnits'>>): string[] {
  const { op, kind } = units[0]!;
  const names = units.slice(0, 8).map((u) => htmlCode(u.unit)).join(', ') + (units.length > 8 ? ', …' : '');
  const lines = [`<details><summary><b>${MARK[op]} ${plural(units.length, kind)} ${VERB[op]}</b>: ${names}</summary>`, ''];
  for (const [i, u] of units.slice(0, o.maxUnits).entries()) {
    lines.push(`- ${code(u.unit)}: ${entryCounts(u.changes)}`);
    if (i >= DETAILED_UNITS) continue;
    for (const c of u.changes.slice(0, o.maxEntries)) lines.push(`  - ${code(c.key)}`);
    if (u.changes.length > o.maxEntries) lines.push(`  - … ${u.changes.length - o.maxEntries} more`);
  }
  if (units.length > o.maxUnits) lines.push(`- … ${units.length - o.maxUnits} more`);
  lines.push('', '</details>', '');
  return lines;
}

const row = (what: string, c: Counts) => `| ${what} | ${c.added} | ${c.removed} | ${c.changed} |`;

export function renderMarkdown(diff: SwarmDiff, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const s = diff.summary;
  const head = [
    COMMENT_MARKER,
    `### assisted-swarm diff: swarm ${swarmText(diff.base, diff.head)}`, '',
    `${code(diff.config)} at base ${code(sideText(diff.base))} → head ${code(sideText(diff.head))}`, '',
    `**${summaryLine(s)}**`, '',
  ];
  if (isEmptyDiff(diff)) return [...head, 'No changes: both sides synthesize the same dist/.', ''].join('\n');
  head.push('| | added | removed | changed |', '|---|---:|---:|---:|',
    row('clusters', s.clusters), row('pools', s.pools), row('fake hosts', s.hosts), row('hub objects', s.objects), row('launch-plan entries', s.launch), '');

  // Grouped by unit: what changes in place first (what a reviewer weighs), then what comes and goes.
  const sections: string[][] = diff.units.filter((u) => u.op === 'change').map((u) => changedUnit(u, options.foldLines ?? 30));
  for (const op of ['add', 'remove'] as const) {
    for (const kind of ['cluster', 'pool'] as const) {
      const units = diff.units.filter((u) => u.op === op && u.kind === kind);
      if (units.length) sections.push(addedOrRemoved(units, { maxEntries: options.maxEntries ?? 30, maxUnits: options.maxUnits ?? 300 }));
    }
  }

  const out = [...head];
  let length = out.join('\n').length;
  const footer = `<sub>${code(`npm run diff -- --json`)} lists every change</sub>`;
  for (const [i, section] of sections.entries()) {
    const text = section.join('\n');
    if (length + text.length + footer.length + 200 > maxLength) {
      out.push(`… ${sections.length - i} more ${sections.length - i === 1 ? 'section' : 'sections'} left out: a comment holds at most ${maxLength.toLocaleString('en')} characters`, '');
      break;
    }
    out.push(...section);
    length += text.length + 1;
  }
  out.push(footer, '');
  return out.join('\n');
}
