// The container side of a plan: the launch plans' containers against those running on the
// engines (found by the swarm's labels), compared by the spec-hash label. Fake hosts are
// started or replaced by the runner; a cluster's dry-run controller is started by the runner
// once the cluster installs, so a missing one is "on install", not a start, and one whose spec
// changed is removed by apply (the runner starts the new one). Stops are apply's.
import type { ContainerEngine, ContainerInfo } from '../engine/engine.ts';
import { KubernetesEngine } from '../engine/kubernetes.ts';
import { EnginePool } from '../engine/pool.ts';
import type { LaunchPlans } from '../dist/types.ts';
import type { ContainerSpec } from '../swarm/containers.ts';
import { LABEL } from '../swarm/labels.ts';
import type { ContainerChange, Plan } from './types.ts';

/** What the engines run the swarm's hosts as, for the plan's words: pods on Kubernetes, else containers. */
export function workloadsOf(engines: ContainerEngine): NonNullable<Plan['workloads']> {
  const all = engines instanceof EnginePool ? engines.engines : [engines];
  return { kind: all.some((e) => e instanceof KubernetesEngine) ? 'pods' : 'containers', engines: engines.name };
}

export interface ContainerPlan {
  changes: ContainerChange[];
  unchanged: number;
  /** name → "engine/id/spec-hash" of every container found. */
  fingerprint: Record<string, string>;
}

function ownerOf(labels: Record<string, string>): string | null {
  if (labels[LABEL.cluster]) return `cluster/${labels[LABEL.cluster]}`;
  if (labels[LABEL.pool]) return `pool/${labels[LABEL.pool]}`;
  return null;
}

function componentOf(labels: Record<string, string>): ContainerChange['component'] {
  const c = labels[LABEL.component];
  return c === 'fake-host' || c === 'controller' ? c : 'unknown';
}

export function containerFingerprint(live: ContainerInfo[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of [...live].sort((a, b) => a.name.localeCompare(b.name) || a.engine.localeCompare(b.engine))) {
    let key = c.name;
    for (let n = 2; key in out; n++) key = `${c.name}#${n}`;
    out[key] = `${c.engine}/${c.id}/${c.labels[LABEL.specHash] ?? ''}`;
  }
  return out;
}

const stop = (c: ContainerInfo, reason: string): ContainerChange => ({
  action: 'stop', name: c.name, component: componentOf(c.labels), owner: ownerOf(c.labels), engine: c.engine, id: c.id, reason,
});

/** "ip-prefix" of a label as "ip/prefix". */
const address = (label: string) => label.replace(/-(\d+)$/, '/$1');

/** Why a running container is replaced: its address when that moved, else its spec. */
function replaceReason(live: Record<string, string>, wanted: Record<string, string>): string {
  const from = live[LABEL.ipv4], to = wanted[LABEL.ipv4];
  return from && to && from !== to ? `re-addressed ${address(from)} → ${address(to)}` : 'spec changed';
}

/**
 * A warning when running fake hosts get new addresses: in the config, groups and pools take
 * slots of network.machineNetworks in order, so one moves when a group before it was added,
 * removed or outgrew its slot (lib/config/addresses.ts).
 */
export function readdressWarning(changes: ContainerChange[]): string | null {
  const moved = changes.filter((c) => c.action === 'replace' && c.reason?.startsWith('re-addressed'));
  if (!moved.length) return null;
  const byOwner = new Map<string, number>();
  for (const c of moved) byOwner.set(c.owner ?? '?', (byOwner.get(c.owner ?? '?') ?? 0) + 1);
  const owners = [...byOwner].map(([o, n]) => `${o} (${n})`).join(', ');
  return `${moved.length} running fake host${moved.length === 1 ? '' : 's'} will be replaced with new addresses: ${owners}. ` +
    'Their machine network moved: groups and pools take slots of network.machineNetworks in config order, so a group ' +
    'inserted or removed before them, or one that outgrew its slot, moves them. Add groups at the end, or pin one with machineNetwork.';
}

/** Launch plans vs live containers of the swarm. */
export function planContainers(launch: LaunchPlans, live: ContainerInfo[]): ContainerPlan {
  const wanted: { spec: ContainerSpec; component: 'fake-host' | 'controller' }[] = [
    ...launch.fakeHosts.map((d) => ({ spec: d.spec.container, component: 'fake-host' as const })),
    ...launch.controllers.map((d) => ({ spec: d.spec.container, component: 'controller' as const })),
  ];
  const byName = new Map<string, ContainerInfo[]>();
  for (const c of live) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);

  const changes: ContainerChange[] = [];
  let unchanged = 0;
  for (const { spec, component } of wanted) {
    const found = byName.get(spec.name) ?? [];
    byName.delete(spec.name);
    const base = { name: spec.name, component, owner: ownerOf(spec.labels) };
    const hash = spec.labels[LABEL.specHash];
    // Two engines may each run one of that name (a run killed half-way): keep the current one.
    const keep = found.find((c) => c.labels[LABEL.specHash] === hash) ?? found[0];
    for (const extra of found.filter((c) => c !== keep)) changes.push(stop(extra, `duplicate of ${keep!.engine}/${keep!.id.slice(0, 12)}`));
    if (!keep) changes.push({ ...base, action: component === 'controller' ? 'on-install' : 'start' });
    else if (keep.labels[LABEL.specHash] !== hash) changes.push({ ...base, action: 'replace', engine: keep.engine, id: keep.id, reason: replaceReason(keep.labels, spec.labels) });
    // Made but never started (a run killed between the two): the runner makes it again.
    else if (component === 'fake-host' && keep.state === 'created') changes.push({ ...base, action: 'replace', engine: keep.engine, id: keep.id, reason: 'created, never started' });
    else unchanged++;
  }
  for (const extras of byName.values()) for (const c of extras) changes.push(stop(c, 'not in dist/'));
  return { changes, unchanged, fingerprint: containerFingerprint(live) };
}

/** Destroy: every container of the swarm goes. */
export function planContainerRemoval(live: ContainerInfo[]): ContainerPlan {
  return { changes: live.map((c) => stop(c, 'destroy')), unchanged: 0, fingerprint: containerFingerprint(live) };
}
