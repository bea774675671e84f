// Step 1: the launch plans of dist/ as the runner works with them: fake hosts in launch order
// (the LaunchOrder's units), each with the InfraEnv it boots from, the clusters with their
// controllers, and the cluster-hosts files.
import { readLaunchPlans } from '../dist/read.ts';
import type { ClusterHostsFileDoc, DryRunControllerDoc, FakeHostDoc } from '../dist/types.ts';
import type { ObjectRef } from '../swarm/model.ts';
import { UserError } from '../config/errors.ts';

export interface RunPlan {
  swarm: string;
  /** The image every container of the swarm runs (also used for helper containers). */
  image: string;
  /** In launch order. */
  hosts: FakeHostDoc[];
  byHostId: Map<string, FakeHostDoc>;
  /** Every InfraEnv hosts boot from, in launch order. */
  infraEnvs: ObjectRef[];
  controllers: DryRunControllerDoc[];
  clusterHostsFiles: ClusterHostsFileDoc[];
}

export const refKey = (ref: ObjectRef) => `${ref.namespace}/${ref.name}`;

/** The launch unit a host comes with: its pool's for a pool host, else its cluster's. */
function unitOf(host: FakeHostDoc): string {
  const fromPool = host.spec.bindTo !== undefined || host.spec.cluster === undefined;
  return `${fromPool ? 'pool' : 'cluster'}/${host.spec.infraEnv.name}`;
}

export function loadRunPlan(dist: string, swarm: string): RunPlan {
  const plans = readLaunchPlans(dist);
  if (plans.order.metadata.name !== swarm) {
    throw new UserError(`${dist} holds swarm "${plans.order.metadata.name}", not "${swarm}": run \`npm run synth\``);
  }
  const units = plans.order.spec.units;
  const rank = (h: FakeHostDoc) => {
    const i = units.indexOf(unitOf(h));
    return i < 0 ? units.length : i;
  };
  // A stable sort: within a unit, hosts keep their plan order.
  const hosts = plans.fakeHosts.map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);
  const infraEnvs: ObjectRef[] = [];
  for (const h of hosts) if (!infraEnvs.some((r) => refKey(r) === refKey(h.spec.infraEnv))) infraEnvs.push(h.spec.infraEnv);
  return {
    swarm,
    image: plans.order.spec.images.swarm,
    hosts,
    byHostId: new Map(hosts.map((h) => [h.spec.hostId, h])),
    infraEnvs,
    controllers: plans.controllers,
    clusterHostsFiles: plans.clusterHosts,
  };
}
