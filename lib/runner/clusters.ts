// Watches the swarm's AgentClusterInstalls: tracks each cluster's state and conditions, and
// once a cluster is installing and the service has given it an id (the `cluster_id=` of its
// status.debugInfo.eventsURL; spec.clusterMetadata.infraID only appears at completion), starts
// its dry-run controller: the launch plan's container plus CLUSTER_ID and, under
// AUTH_TYPE=local, the cluster's token (the eventsURL's api_key) as PULL_SECRET_TOKEN.
import type { DryRunControllerDoc } from '../dist/types.ts';
import type { LaunchSpec } from '../engine/engine.ts';
import type { ClusterRecord } from '../report/types.ts';
import { AGENT_CLUSTER_INSTALL, watchKind, type HubObject, type Watch } from './hub.ts';
import { queryParam } from './service-api.ts';
import { controllerCaFiles } from './service-ca.ts';
import { clusterFailed, clusterInstalled, clusterInstalling } from './states.ts';
import type { RunContext } from './context.ts';
import { swarmSelector } from '../swarm/labels.ts';

export function clusterIdentity(aci: HubObject): { id: string | null; apiKey: string | null } {
  const eventsURL = aci.status?.debugInfo?.eventsURL;
  const infraID = (aci.spec?.clusterMetadata as { infraID?: string } | undefined)?.infraID;
  return { id: queryParam(eventsURL, 'cluster_id') ?? infraID ?? null, apiKey: queryParam(eventsURL, 'api_key') };
}

export function controllerSpec(ctx: RunContext, doc: DryRunControllerDoc, clusterId: string, token: string | null): LaunchSpec {
  return {
    ...doc.spec.container,
    command: doc.spec.container.command ?? [],
    runtimeEnv: { CLUSTER_ID: clusterId, ...(token ? { PULL_SECRET_TOKEN: token } : {}) },
    restartLimit: ctx.config.runtime.restartLimit,
    runtimeFiles: controllerCaFiles(ctx.config.hub, doc.spec.container.env),
  };
}

export function watchClusters(ctx: RunContext): Promise<Watch> {
  const controllers = new Map(ctx.plan.controllers.map((c) => [c.spec.cluster, c]));
  const starting = new Set<string>();

  const startController = (record: ClusterRecord, doc: DryRunControllerDoc, clusterId: string, token: string | null) => {
    starting.add(record.name);
    void ctx.slots(async () => {
      if (ctx.signal.aborted) return;
      try {
        const info = await ctx.engines.start(controllerSpec(ctx, doc, clusterId, token));
        record.controllerId = info.id;
        record.milestones.controllerStarted = ctx.tracker.now();
        ctx.tracker.change(record, 'controller', 'running');
      } catch (err) {
        ctx.tracker.failCluster(record, { reason: 'controller could not be started', stateInfo: null, detail: (err as Error).message });
      }
    });
  };

  const onAci = (aci: HubObject) => {
    const doc = controllers.get(aci.metadata.name);
    const record = ctx.tracker.cluster(aci.metadata.name);
    if (!doc || !record || record.namespace !== aci.metadata.namespace) return;
    const { id, apiKey } = clusterIdentity(aci);
    if (id && record.clusterId !== id) {
      record.clusterId = id;
      ctx.tracker.event(record, 'runner', 'cluster-id', id);
    }
    if (apiKey) ctx.secrets.add(apiKey);
    const state = aci.status?.debugInfo?.state;
    const stateInfo = aci.status?.debugInfo?.stateInfo ?? null;
    if (state) {
      record.stateInfo = stateInfo;
      ctx.tracker.change(record, 'state', state, stateInfo ?? undefined);
    }
    for (const c of aci.status?.conditions ?? []) {
      ctx.tracker.change(record, `condition/${c.type}`, c.reason ? `${c.status}/${c.reason}` : c.status, c.message);
    }
    if (state && clusterInstalling(state)) record.milestones.installing ??= ctx.tracker.now();
    if (clusterInstalled(aci)) ctx.tracker.clusterInstalled(record);
    else if (clusterFailed(aci)) ctx.tracker.failCluster(record, { reason: `cluster ${state ?? 'failed'}`, stateInfo });

    if (state && clusterInstalling(state) && id && !record.controllerId && !starting.has(record.name) && !record.outcome) {
      const local = ctx.config.hub.auth === 'local';
      if (local && !apiKey) ctx.log(`runner: cluster ${record.name}: no api_key in its eventsURL: its controller runs without a token`);
      startController(record, doc, id, local ? apiKey : null);
    }
  };
  return watchKind(ctx.kubeConfig, AGENT_CLUSTER_INSTALL, swarmSelector(ctx.plan.swarm), (obj, deleted) => { if (!deleted) onAci(obj); },
    (err) => ctx.log(`runner: ${err.message}`));
}
