// The documents of dist/, as types: the writer (lib/constructs) and every reader (plan,
// apply, the runner, diff) agree on them here. cdk8s drops null fields, so "none" is absent.
import type { ContainerSpec } from '../swarm/containers.ts';
import type { HostRole, ObjectRef } from '../swarm/model.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A hub object of dist/hub (or one read from the hub). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

interface LaunchDoc<K extends string, S> {
  apiVersion: 'assisted-swarm.io/v1alpha1';
  kind: K;
  metadata: ObjectMeta;
  spec: S;
}

export type LaunchOrderDoc = LaunchDoc<'LaunchOrder', {
  ordering: { mode: 'listed' | 'shuffled'; seed: number };
  images: { swarm: string; agent: string; installer: string; controller: string };
  /** `cluster/<name>` or `pool/<name>`, in launch order. */
  units: string[];
}>;

export type ClusterHostsFileDoc = LaunchDoc<'ClusterHostsFile', {
  path: string;
  hosts: { hostname: string; ip: string; rebootMarkerPath: string }[];
}>;

export type DryRunControllerDoc = LaunchDoc<'DryRunController', {
  cluster: string;
  agentClusterInstall: ObjectRef;
  container: ContainerSpec;
}>;

export type FakeHostDoc = LaunchDoc<'FakeHost', {
  hostname: string;
  hostId: string;
  macAddress: string;
  /** "ip/prefix" */
  ipv4: string;
  role: HostRole;
  /** Absent for a pool host no cluster takes. */
  cluster?: string;
  infraEnv: ObjectRef;
  /** Late binding: the ClusterDeployment its Agent is bound to once registered. */
  bindTo?: ObjectRef;
  /** `bmh`: the host arrives as this BareMetalHost; absent: as a plain agent. */
  boot?: 'bmh';
  bareMetalHost?: ObjectRef;
  rebootMarkerPath: string;
  clusterHostsPath: string;
  container: ContainerSpec;
}>;

export interface LaunchPlans {
  order: LaunchOrderDoc;
  clusterHosts: ClusterHostsFileDoc[];
  controllers: DryRunControllerDoc[];
  fakeHosts: FakeHostDoc[];
}
