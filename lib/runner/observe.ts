// The swarm as the hub and the engines show it, without a runner: what `swarm status` prints.
// Agents and AgentClusterInstalls are watched (an informer each: one list, then changes);
// containers are listed at each look. Hosts and clusters come from the launch plans when dist/
// is there (so hosts not started yet count as planned), else from what exists.
import type { KubeConfig } from '@kubernetes/client-node';
import { tally, type CountsInput } from '../report/counts.ts';
import type { ContainerEngine, ContainerInfo } from '../engine/engine.ts';
import type { LaunchPlans } from '../dist/types.ts';
import { LABEL, MANAGED_BY, MANAGER, swarmSelector } from '../swarm/labels.ts';
import { AGENT, AGENT_CLUSTER_INSTALL, watchKind, type HubObject, type Watch } from './hub.ts';
import { clusterFailed, clusterInstalled, hostFailed } from './states.ts';

export interface SwarmView {
  counts: CountsInput;
  containers: Record<string, number>;
}

export class SwarmObserver {
  private readonly agents = new Map<string, HubObject>();
  private readonly acis = new Map<string, HubObject>();
  private readonly watches: Watch[] = [];

  constructor(private readonly kubeConfig: KubeConfig, private readonly engines: ContainerEngine, private readonly swarm: string, private readonly plans: LaunchPlans | null) {}

  async start(onError: (err: Error) => void = () => undefined): Promise<this> {
    const keep = (into: Map<string, HubObject>) => (o: HubObject, deleted: boolean) => {
      const key = `${o.metadata.namespace}/${o.metadata.name}`;
      if (deleted) into.delete(key);
      else into.set(key, o);
    };
    this.watches.push(await watchKind(this.kubeConfig, AGENT, swarmSelector(this.swarm), keep(this.agents), onError));
    this.watches.push(await watchKind(this.kubeConfig, AGENT_CLUSTER_INSTALL, swarmSelector(this.swarm), keep(this.acis), onError));
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.stop()));
  }

  async look(): Promise<SwarmView> {
    const containers = await this.engines.list({ [MANAGED_BY]: MANAGER, [LABEL.swarm]: this.swarm });
    const byName = new Map(containers.map((c) => [c.name, c]));
    const agentsById = new Map([...this.agents.values()].map((a) => [a.metadata.name, a]));
    const hosts = this.plans
      ? this.plans.fakeHosts.map((h) => hostView(agentsById.get(h.spec.hostId), byName.get(h.spec.container.name)))
      : [...this.agents.values()].map((a) => hostView(a, undefined));
    const clusters = this.plans
      ? this.plans.controllers.map((c) => clusterView(this.acis.get(`${c.spec.agentClusterInstall.namespace}/${c.spec.agentClusterInstall.name}`)))
      : [...this.acis.values()].map((a) => clusterView(a));
    return { counts: { hosts, clusters }, containers: tally(containers.map((c) => (c.reason ? `${c.state} (${c.reason})` : c.state))) };
  }
}

function hostView(agent: HubObject | undefined, container: ContainerInfo | undefined): CountsInput['hosts'][number] {
  const state = agent?.status?.debugInfo?.state
    ?? (container ? (container.state === 'running' ? 'started' : `container ${container.state}`) : 'planned');
  const died = container?.state === 'exited' && container.exitCode !== 0 && state !== 'installed';
  return {
    state,
    stage: agent?.status?.progress?.currentStage ?? null,
    outcome: state === 'installed' ? 'installed' : hostFailed(state) || died ? 'failed' : null,
  };
}

function clusterView(aci: HubObject | undefined): CountsInput['clusters'][number] {
  if (!aci) return { state: 'planned', outcome: null };
  return { state: aci.status?.debugInfo?.state ?? 'created', outcome: clusterInstalled(aci) ? 'installed' : clusterFailed(aci) ? 'failed' : null };
}
