// Watches the swarm's Agents (the service creates one per registered host, named by its host
// id, with the InfraEnv's agentLabels, so the swarm label finds them): each is matched to its
// launch-plan host, its state, stage and conditions are tracked, and its spec is patched to
// what the plan says (approved, hostname, role, installation disk, and the ClusterDeployment
// for a pool host the config binds; for a host with a BareMetalHost, only what BMAC does not
// set). Only fields that differ are patched: a re-run patches nothing an earlier run already did.
import type { FakeHostDoc } from '../dist/types.ts';
import type { HostRecord } from '../report/types.ts';
import { AGENT, mergePatch, watchKind, type HubObject, type Watch } from './hub.ts';
import { hostFailed, hostMilestone } from './states.ts';
import type { RunContext } from './context.ts';
import { swarmSelector } from '../swarm/labels.ts';
import type { PlayerContext } from './hooks.ts';
import { BMAC_AGENT_FIELDS } from '../swarm/bare-metal.ts';

/**
 * What the plan wants in an Agent's spec. For a host that arrives as a BareMetalHost, the
 * service's BMH agent controller sets approval, hostname, role and binding from the
 * BareMetalHost (lib/swarm/bare-metal.ts): the runner leaves those to it.
 */
export function desiredAgentSpec(host: FakeHostDoc): Record<string, unknown> {
  const spec = plannedAgentSpec(host);
  if (host.spec.boot === 'bmh') for (const field of BMAC_AGENT_FIELDS) delete spec[field];
  return spec;
}

function plannedAgentSpec(host: FakeHostDoc): Record<string, unknown> {
  // The plan may name an installation disk (FakeHost spec installationDiskId / installationDiskPath).
  const disk = host.spec as FakeHostDoc['spec'] & { installationDiskId?: string; installationDiskPath?: string };
  return {
    approved: true,
    hostname: host.spec.hostname,
    ...(host.spec.role !== 'auto-assign' ? { role: host.spec.role } : {}),
    ...(disk.installationDiskId ? { installation_disk_id: disk.installationDiskId } : {}),
    ...(disk.installationDiskPath ? { installation_disk_path: disk.installationDiskPath } : {}),
    ...(host.spec.bindTo ? { clusterDeploymentName: { name: host.spec.bindTo.name, namespace: host.spec.bindTo.namespace } } : {}),
  };
}

/** The fields of `desired` the Agent's spec does not have yet. */
export function agentPatch(desired: Record<string, unknown>, spec: Record<string, unknown> | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    if (JSON.stringify(spec?.[k]) !== JSON.stringify(v)) patch[k] = v;
  }
  return patch;
}

export function watchAgents(ctx: RunContext, players: PlayerContext): Promise<Watch> {
  const patching = new Set<string>();
  // The resourceVersion our last patch of each Agent made: a watch event older than that still
  // shows the spec before the patch, and must not make us patch again.
  const patchedVersion = new Map<string, number>();

  const patch = async (host: FakeHostDoc, record: HostRecord, agent: HubObject) => {
    if (Number(agent.metadata.resourceVersion) < (patchedVersion.get(record.hostId) ?? 0)) return;
    const body = agentPatch(desiredAgentSpec(host), agent.spec);
    if (!Object.keys(body).length || patching.has(record.hostId)) return;
    patching.add(record.hostId);
    try {
      const patched = await mergePatch(ctx.kubeConfig, AGENT, agent.metadata.namespace, agent.metadata.name, { spec: body });
      patchedVersion.set(record.hostId, Number(patched.metadata.resourceVersion));
      record.patches++;
      ctx.tracker.event(record, 'runner', 'patched', Object.keys(body).join(','));
    } catch (err) {
      ctx.tracker.failHost(record, { reason: 'Agent patch refused', stateInfo: null, detail: (err as Error).message });
    } finally {
      patching.delete(record.hostId);
    }
  };

  const onAgent = (agent: HubObject) => {
    const host = ctx.plan.byHostId.get(agent.metadata.name);
    const record = host && ctx.tracker.hostById(agent.metadata.name);
    if (!host || !record) return;
    track(ctx, record, agent);
    if (record.outcome !== 'failed') void patch(host, record, agent);
    for (const player of ctx.hooks.players) {
      Promise.resolve(player.onAgent?.(players, host, record, agent)).catch((err: Error) =>
        ctx.log(`runner: player ${player.name} on ${record.hostname}: ${err.message}`));
    }
  };
  return watchKind(ctx.kubeConfig, AGENT, swarmSelector(ctx.plan.swarm), (obj, deleted) => { if (!deleted) onAgent(obj); },
    (err) => ctx.log(`runner: ${err.message}`));
}

function track(ctx: RunContext, record: HostRecord, agent: HubObject): void {
  const { tracker } = ctx;
  tracker.milestone(record, 'registered');
  const state = agent.status?.debugInfo?.state;
  const stateInfo = agent.status?.debugInfo?.stateInfo ?? null;
  const stage = agent.status?.progress?.currentStage ?? null;
  if (state) {
    record.stateInfo = stateInfo;
    tracker.change(record, 'state', state, stateInfo ?? undefined);
  } else {
    tracker.runnerState(record, 'registered');
  }
  if (stage) tracker.change(record, 'stage', stage);
  for (const c of agent.status?.conditions ?? []) {
    tracker.change(record, `condition/${c.type}`, c.reason ? `${c.status}/${c.reason}` : c.status, c.message);
  }
  const milestone = state ? hostMilestone(state, stage) : null;
  if (milestone === 'installed') tracker.hostInstalled(record);
  else if (milestone) tracker.milestone(record, milestone);
  if (state && hostFailed(state)) tracker.failHost(record, { reason: `agent ${state}`, stateInfo });
}
