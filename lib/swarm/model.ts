// The swarm as the tool works with it: every cluster, pool and fake host spelled out, with
// names, addresses and identities decided. Built from a config by expand.ts; constructs,
// launch plans and the runner read this, never the raw config groups.
import type { Boot, ImageType, SwarmConfig, Topology } from '../config/types.ts';

export type HostRole = 'master' | 'worker' | 'auto-assign';

export interface ObjectRef {
  namespace: string;
  name: string;
}

export interface FakeHost {
  hostname: string;
  /** Stable UUID from swarm, owner and index: what the agent registers as (DRY_HOST_ID). */
  hostId: string;
  /** Locally administered unicast MAC, unique in the swarm. */
  macAddress: string;
  ip: string;
  prefixLength: number;
  gateway: string;
  role: HostRole;
  /** The cluster the host installs into; null for a pool host no cluster takes. */
  cluster: string | null;
  /** The pool the host boots from, for late binding; null when it boots into its cluster's InfraEnv. */
  pool: string | null;
  infraEnv: ObjectRef;
  /** agent: the runner approves, names and binds its Agent; bmh: a BareMetalHost in its InfraEnv's
   *  namespace, handled by the service's BMH agent controller (lib/swarm/bare-metal.ts). */
  boot: Boot;
  /** Folder of this host's files (reboot marker, requests), mounted into its container. */
  dir: string;
  rebootMarkerPath: string;
  clusterHostsPath: string;
}

export interface MachineNetwork {
  cidr: string;
  gateway: string;
}

export interface Cluster {
  name: string;
  namespace: string;
  group: string;
  topology: Topology;
  controlPlanes: number;
  workers: number;
  baseDomain: string;
  machineNetwork: MachineNetwork;
  /** API and ingress VIPs; null for single-node. */
  vips: { api: string; ingress: string } | null;
  /** The cluster's own InfraEnv; null when its hosts come from a pool. */
  infraEnv: ObjectRef | null;
  hostsFrom: string | null;
  hosts: FakeHost[];
  infraEnvLabels: Record<string, string>;
  agentLabels: Record<string, string>;
  staticNetworking: boolean;
  /** How its hosts arrive (a pool-fed cluster's: its pool's). */
  boot: Boot;
  /** Its InfraEnv's ISO type; null: the service's default (and for a pool-fed cluster, which has no InfraEnv). */
  imageType: ImageType | null;
  ignoredHostValidations: string[];
  ignoredClusterValidations: string[];
  holdInstallation: boolean;
  /** Folder shared by the cluster's hosts and its controller. */
  dir: string;
  clusterHostsPath: string;
}

export interface Pool {
  name: string;
  namespace: string;
  machineNetwork: MachineNetwork;
  infraEnv: ObjectRef;
  hosts: FakeHost[];
  infraEnvLabels: Record<string, string>;
  agentLabels: Record<string, string>;
  staticNetworking: boolean;
  boot: Boot;
  /** Its InfraEnv's ISO type; null: the service's default. */
  imageType: ImageType | null;
  dir: string;
  clusterHostsPath: string;
}

/** What is launched together: a cluster with an InfraEnv of its own, or a pool. */
export type LaunchUnit = { kind: 'cluster'; name: string } | { kind: 'pool'; name: string };

export interface Swarm {
  config: SwarmConfig;
  name: string;
  imageSetName: string;
  clusters: Cluster[];
  pools: Pool[];
  launchOrder: LaunchUnit[];
  /** `<runtime.stateDir>/<swarm>`: every host and cluster folder lives under it. */
  stateDir: string;
}
