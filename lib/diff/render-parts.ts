// What the text and Markdown renderings of a diff share: the summary line, the two sides in
// words, and the counts of a unit.
import { plural } from '../plan/render-parts.ts';
import type { Counts, DiffSide, DiffSummary, EntryCategory, EntryChange } from './types.ts';

const counts = (c: Counts) => `+${c.added} -${c.removed} ~${c.changed}`;
const any = (c: Counts) => c.added + c.removed + c.changed > 0;

/** "clusters +1 -0 ~1, hosts +2 -0 ~0, objects +5 -0 ~1" (pools and launch entries when they change). */
export function summaryLine(s: DiffSummary): string {
  const parts = [`clusters ${counts(s.clusters)}`];
  if (any(s.pools)) parts.push(`pools ${counts(s.pools)}`);
  parts.push(`hosts ${counts(s.hosts)}`, `objects ${counts(s.objects)}`);
  if (any(s.launch)) parts.push(`launch entries ${counts(s.launch)}`);
  return parts.join(', ');
}

/** "1a2b3c4d5e6f (main)", "working tree (9f8e7d6c5b4a on feature, uncommitted changes)". */
export function sideText(side: DiffSide): string {
  const commit = side.commit?.slice(0, 12) ?? 'no commit yet';
  if (!side.workingTree) return `${commit} (${side.ref ?? side.chosen})`;
  const p = side.provenance;
  return `working tree (${commit}${p?.branch && p.branch !== 'HEAD' ? ` on ${p.branch}` : ''}${p?.dirty ? ', uncommitted changes' : ''})`;
}

export function swarmText(base: DiffSide, head: DiffSide): string {
  return base.swarm === head.swarm ? `"${head.swarm}"` : `"${base.swarm}" → "${head.swarm}"`;
}

const NOUNS: Record<EntryCategory, [string, string]> = {
  object: ['object', 'objects'],
  host: ['host', 'hosts'],
  launch: ['launch entry', 'launch entries'],
};

/** What a unit's changes are of: "5 objects, 1 host, 2 launch entries". */
export function entryCounts(changes: EntryChange[]): string {
  return (Object.keys(NOUNS) as EntryCategory[])
    .map((cat) => [cat, changes.filter((c) => c.category === cat).length] as const)
    .filter(([, n]) => n > 0)
    .map(([cat, n]) => plural(n, ...NOUNS[cat]))
    .join(', ');
}

export const MARK = { add: '+', remove: '-', change: '~' } as const;
export const VERB = { add: 'added', remove: 'removed', change: 'changed' } as const;
