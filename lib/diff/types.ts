// A swarm diff as data: what the config at one git ref synthesizes that the config at another
// does not, and what it synthesizes differently, grouped by the unit it belongs to (a cluster,
// a pool, or the swarm itself). JSON-serialisable for `--json`; rendered by render-*.ts. Holds
// no secret value: added and removed objects are named, not shown, and a changed Secret's data
// is a `sensitive` field change with no values (lib/plan/diff.ts).
import type { FieldChange, Provenance } from '../plan/types.ts';

export const DIFF_FORMAT = 'assisted-swarm/diff@1';

/** One side of the diff: a commit checked out, or the working tree. */
export interface DiffSide {
  /** In words, for people: "base 1a2b3c4d5e6f (main)", "working tree". */
  label: string;
  workingTree: boolean;
  /** The ref as given ("main", "HEAD~1"); null when not given. */
  ref: string | null;
  /** How the commit was chosen when no ref was given ("merge base of HEAD and origin/main"). */
  chosen?: string;
  /** The commit; for the working tree, HEAD (uncommitted changes on top: provenance.dirty). */
  commit: string | null;
  /** The working tree's commit, branch and dirty flag (lib/plan/provenance.ts). */
  provenance?: Provenance;
  /** The swarm's name there. */
  swarm: string;
}

/** Where an entry of dist/ goes: the hub, or the launch plans (fake hosts, and the rest). */
export type EntryCategory = 'object' | 'host' | 'launch';

export interface EntryChange {
  op: 'add' | 'remove' | 'change';
  /** "Kind namespace/name" (refKey), as plan names hub objects. */
  key: string;
  category: EntryCategory;
  /** For a change: field by field. */
  fields?: FieldChange[];
}

export type UnitKind = 'cluster' | 'pool' | 'swarm';

/** A cluster, a pool, or the swarm-wide unit, with its changes (only units that change). */
export interface UnitDiff {
  /** "cluster/sno-1", "pool/spare", "swarm". */
  unit: string;
  kind: UnitKind;
  op: 'add' | 'remove' | 'change';
  changes: EntryChange[];
}

export interface Counts { added: number; removed: number; changed: number }

export interface DiffSummary {
  clusters: Counts;
  pools: Counts;
  /** Fake hosts of the launch plans. */
  hosts: Counts;
  /** Hub objects (dist/hub). */
  objects: Counts;
  /** The launch plans' other entries: launch order, cluster hosts files, dry-run controllers. */
  launch: Counts;
}

export interface SwarmDiff {
  format: typeof DIFF_FORMAT;
  /** The config file, relative to the repository's top level. */
  config: string;
  base: DiffSide;
  head: DiffSide;
  summary: DiffSummary;
  units: UnitDiff[];
}

export function isEmptyDiff(diff: SwarmDiff): boolean {
  return diff.units.length === 0;
}
