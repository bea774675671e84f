// The container each fake host and each cluster's dry-run controller runs in, as data. The
// launch plans in dist/ carry these; the engine creates exactly them, adding only what the
// service says at apply time (the agent's command line and token, the cluster id).
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Cluster, FakeHost, Swarm } from './model.ts';
import { swarmImageRef } from '../images/recipe.ts';
import { CONTROLLER_BINARY } from '../images/layer.ts';
import { hostOwnerLabels, LABEL, swarmLabels } from './labels.ts';

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Absent: the agent's command line, taken from the discovery ignition at apply time. */
  command?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Host networking: the agents reach the service on loopback, as on a real host. */
  networkMode: 'host';
  /**
   * Capabilities instead of `privileged`: some engines can't grant everything `privileged`
   * asks for (seen here: "unable to apply caps" without SYS_RESOURCE), and the agent needs
   * no device access beyond the hardware mounts.
   */
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  /**
   * Bind the engine machine's disk device nodes (the installation disk must exist for the
   * install step); the container's device cgroup keeps them closed (lib/engine/docker-disks.ts).
   */
  diskNodes: boolean;
  memoryBytes: number;
  nanoCpus: number;
  mounts: Mount[];
  /** `name:address` entries for /etc/hosts: every cluster name resolves to loopback. */
  extraHosts: string[];
}

/**
 * Where a controller finds the service's CA (CA_CERT_PATH): the path the service's ignition uses
 * on hosts (HostCACertPath). The runner puts hub.tls.caFile's certificate there before it starts.
 */
export const CONTROLLER_CA_PATH = '/etc/assisted-service/service-ca-cert.crt';

/** The controller verifies the service with the config's CA: not over plain HTTP, nor when told not to verify. */
export function controllerVerifiesWithCa(hub: Swarm['config']['hub']): boolean {
  return hub.serviceUrl.startsWith('https://') && !hub.tls.insecure && hub.tls.caFile !== null;
}

/** Where the swarm image has upstream's controller binary (copied from the controller image). */
export { CONTROLLER_BINARY };

/** The agent's inventory reads hardware through /host (as upstream's inventory container does). */
export const HARDWARE_MOUNTS: Mount[] = ['/sys/block', '/sys/devices', '/sys/bus', '/sys/class', '/run/udev', '/dev/disk']
  .map((path) => ({ source: path, target: `/host${path}`, readOnly: true }));

/** What a fake host may do: all a host's root may, but SYS_RESOURCE, and no seccomp filter. */
const HOST_PRIVILEGES = { capAdd: ['ALL'], capDrop: ['SYS_RESOURCE'], securityOpt: ['seccomp=unconfined'] };

/** The image `npm run images` builds: tagged with a hash of its recipe (lib/images/recipe.ts). */
export function swarmImage(swarm: Swarm): string {
  return swarmImageRef(swarm.config.images);
}

/** The names the service checks and the installer calls, for one cluster. */
export function clusterHostnames(cluster: Pick<Cluster, 'name' | 'baseDomain'>, address: string): string[] {
  const domain = `${cluster.name}.${cluster.baseDomain}`;
  return [`api.${domain}`, `api-int.${domain}`, `console-openshift-console.apps.${domain}`]
    .map((name) => `${name}:${address}`);
}

/** GOMAXPROCS, GOGC, GOMEMLIMIT from runtime.go (what is null is left out). */
export function goRuntimeEnv(go: Swarm['config']['runtime']['go']): Record<string, string> {
  return {
    ...(go.maxProcs !== null ? { GOMAXPROCS: String(go.maxProcs) } : {}),
    ...(go.gcPercent !== null ? { GOGC: go.gcPercent < 0 ? 'off' : String(go.gcPercent) } : {}),
    ...(go.memoryLimitMiB !== null ? { GOMEMLIMIT: `${go.memoryLimitMiB}MiB` } : {}),
  };
}

function resources(swarm: Swarm) {
  return {
    memoryBytes: swarm.config.runtime.memoryMiB * 1024 * 1024,
    nanoCpus: Math.round(swarm.config.runtime.cpus * 1e9),
  };
}

/**
 * Adds the spec-hash label: a hash of everything else, and of where it runs on Kubernetes (the
 * pod's placement and requests), so a changed spec is seen as changed.
 */
function withSpecHash(swarm: Swarm, spec: ContainerSpec): ContainerSpec {
  const kubernetes = swarm.config.runtime.kubernetes;
  const hash = createHash('sha256').update(JSON.stringify(spec)).update(kubernetes ? JSON.stringify(kubernetes) : '').digest('hex').slice(0, 16);
  return { ...spec, labels: { ...spec.labels, [LABEL.specHash]: hash } };
}

export function fakeHostContainer(swarm: Swarm, host: FakeHost, cluster: Cluster | null): ContainerSpec {
  return withSpecHash(swarm, {
    name: `${swarm.name}_${host.hostname}`,
    image: swarmImage(swarm),
    env: {
      DRY_ENABLE: 'true',
      DRY_HOST_ID: host.hostId,
      DRY_FORCED_MAC_ADDRESS: host.macAddress,
      DRY_FORCED_HOST_IPV4: `${host.ip}/${host.prefixLength}`,
      DRY_FORCED_HOSTNAME: host.hostname,
      DRY_FAKE_REBOOT_MARKER_PATH: host.rebootMarkerPath,
      DRY_CLUSTER_HOSTS_PATH: host.clusterHostsPath,
      ...goRuntimeEnv(swarm.config.runtime.go),
      ...swarm.config.runtime.hostEnv,
    },
    labels: {
      ...swarmLabels(swarm.name),
      ...hostOwnerLabels(host),
      [LABEL.host]: host.hostname,
      [LABEL.role]: host.role,
      [LABEL.component]: 'fake-host',
      // A label value can't hold "/".
      [LABEL.ipv4]: `${host.ip}-${host.prefixLength}`,
    },
    networkMode: 'host',
    ...HOST_PRIVILEGES,
    diskNodes: true,
    ...resources(swarm),
    // The owner's folder: this host's marker, and the other hosts' markers the bootstrap installer watches.
    mounts: [{ source: dirname(host.dir), target: dirname(host.dir), readOnly: false }, ...HARDWARE_MOUNTS],
    extraHosts: cluster ? clusterHostnames(cluster, swarm.config.runtime.clusterNamesResolveTo) : [],
  });
}

export function controllerContainer(swarm: Swarm, cluster: Cluster): ContainerSpec {
  const { hub, release } = swarm.config;
  return withSpecHash(swarm, {
    name: `${swarm.name}_${cluster.name}_controller`,
    image: swarmImage(swarm),
    command: [CONTROLLER_BINARY],
    env: {
      DRY_ENABLE: 'true',
      // The controller starts its work once the first host has (fake) rebooted.
      DRY_FAKE_REBOOT_MARKER_PATH: cluster.hosts[0]!.rebootMarkerPath,
      DRY_CLUSTER_HOSTS_PATH: cluster.clusterHostsPath,
      INVENTORY_URL: hub.serviceUrl,
      OPENSHIFT_VERSION: release.openshiftVersion,
      CONTROL_PLANE_COUNT: String(cluster.controlPlanes),
      SKIP_CERT_VERIFICATION: String(hub.tls.insecure || hub.serviceUrl.startsWith('http://')),
      ...(controllerVerifiesWithCa(hub) ? { CA_CERT_PATH: CONTROLLER_CA_PATH } : {}),
      // true waits for a `cvo` operator this service never registers (checked with upstream).
      CHECK_CLUSTER_VERSION: 'false',
      ...goRuntimeEnv(swarm.config.runtime.go),
    },
    labels: {
      ...swarmLabels(swarm.name),
      [LABEL.cluster]: cluster.name,
      [LABEL.component]: 'controller',
    },
    networkMode: 'host',
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    diskNodes: false,
    ...resources(swarm),
    mounts: [{ source: cluster.dir, target: cluster.dir, readOnly: false }],
    extraHosts: clusterHostnames(cluster, swarm.config.runtime.clusterNamesResolveTo),
  });
}
