// Synthesis in memory, for diff: the same units, constructs and synth-time patches as
// `npm run synth` (lib/constructs/synth.ts, lib/patches/synth.ts), but each unit's objects are
// taken from its cdk8s App (Chart.toJson) instead of being written as YAML and read back.
import type { KubeObject } from '../dist/types.ts';
import { loadConfigFile } from '../config/load.ts';
import { buildUnit, HUB_DIR, synthUnits, type SynthUnit } from '../constructs/synth.ts';
import { refKey } from '../hub/client.ts';
import { loadPatches, patchVariables } from '../patches/load.ts';
import { SynthPatcher } from '../patches/synth.ts';
import { expandSwarm } from '../swarm/expand.ts';
import type { EntryCategory, UnitKind } from './types.ts';

export interface Entry {
  key: string;
  category: EntryCategory;
  object: KubeObject;
}

export interface SynthUnitObjects {
  kind: UnitKind;
  /** By key, in synth order. */
  entries: Map<string, Entry>;
}

export interface Synthesized {
  swarm: string;
  /** By unit name ("cluster/sno-1", "pool/spare", "swarm"), in synth order. */
  units: Map<string, SynthUnitObjects>;
}

/** "cluster-sno-1" → cluster/sno-1: the chart ids synthUnits gives. */
function unitOf(unit: SynthUnit): { name: string; kind: UnitKind } {
  const match = /^(cluster|pool)-(.+)$/.exec(unit.id);
  return match ? { name: `${match[1]}/${match[2]}`, kind: match[1] as UnitKind } : { name: unit.id, kind: 'swarm' };
}

const categoryOf = (unit: SynthUnit, obj: KubeObject): EntryCategory =>
  unit.dir === HUB_DIR ? 'object' : obj.kind === 'FakeHost' ? 'host' : 'launch';

/** Loads and validates `configFile`, expands it and synthesizes it with the patches of `patchesDir`. */
export async function synthInMemory(configFile: string, patchesDir: string): Promise<Synthesized> {
  const swarm = expandSwarm(await loadConfigFile(configFile));
  const patches = loadPatches(patchesDir, patchVariables(swarm));
  const units = synthUnits(swarm);
  const patcher = new SynthPatcher(patches, units.length, patchesDir);
  const out = new Map<string, SynthUnitObjects>();
  for (const unit of units) {
    // The App's outdir is never written: nothing calls app.synth().
    const app = buildUnit(unit, '(in memory)');
    patcher.prepare(app, unit);
    const { name, kind } = unitOf(unit);
    const target = out.get(name) ?? { kind, entries: new Map<string, Entry>() };
    out.set(name, target);
    for (const object of app.charts.flatMap((chart) => chart.toJson()) as KubeObject[]) {
      const key = refKey(object);
      target.entries.set(key, { key, category: categoryOf(unit, object), object });
    }
  }
  return { swarm: swarm.name, units: out };
}
