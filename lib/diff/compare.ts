// Two synthesized swarms compared unit by unit and entry by entry: added, removed, and
// changed with the field-level changes plan shows too (lib/plan/diff.ts fieldChanges, which
// also keeps Secret data out).
import { fieldChanges } from '../plan/diff.ts';
import type { Entry, Synthesized, SynthUnitObjects } from './synth.ts';
import type { Counts, DiffSummary, EntryCategory, EntryChange, UnitDiff } from './types.ts';

const NONE = new Map<string, Entry>();

function compareUnit(base: SynthUnitObjects | undefined, head: SynthUnitObjects | undefined): EntryChange[] {
  const before = base?.entries ?? NONE;
  const after = head?.entries ?? NONE;
  const changes: EntryChange[] = [];
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (!old) {
      changes.push({ op: 'add', key, category: entry.category });
      continue;
    }
    const fields = fieldChanges(old.object, entry.object);
    if (fields.length) changes.push({ op: 'change', key, category: entry.category, fields });
  }
  for (const [key, entry] of before) if (!after.has(key)) changes.push({ op: 'remove', key, category: entry.category });
  return changes;
}

const zero = (): Counts => ({ added: 0, removed: 0, changed: 0 });
const COUNTED = { add: 'added', remove: 'removed', change: 'changed' } as const;
const BY_CATEGORY: Record<EntryCategory, 'objects' | 'hosts' | 'launch'> = { object: 'objects', host: 'hosts', launch: 'launch' };

export function summarize(units: UnitDiff[]): DiffSummary {
  const summary: DiffSummary = { clusters: zero(), pools: zero(), hosts: zero(), objects: zero(), launch: zero() };
  for (const unit of units) {
    if (unit.kind === 'cluster') summary.clusters[COUNTED[unit.op]]++;
    if (unit.kind === 'pool') summary.pools[COUNTED[unit.op]]++;
    for (const c of unit.changes) summary[BY_CATEGORY[c.category]][COUNTED[c.op]]++;
  }
  return summary;
}

/** The units that change from `base` to `head`: head's in synth order, then the removed ones. */
export function compareSynths(base: Synthesized, head: Synthesized): UnitDiff[] {
  const names = [...head.units.keys(), ...[...base.units.keys()].filter((n) => !head.units.has(n))];
  const units: UnitDiff[] = [];
  for (const unit of names) {
    const b = base.units.get(unit);
    const h = head.units.get(unit);
    const changes = compareUnit(b, h);
    if (!changes.length) continue;
    units.push({ unit, kind: (h ?? b)!.kind, op: !b ? 'add' : !h ? 'remove' : 'change', changes });
  }
  return units;
}
