// BareMetalHost mode (`boot: 'bmh'`): the names a fake host has as a BareMetalHost, and the
// annotations and fields that the service's BMH agent controller (BMAC, assisted-service
// internal/controller/controllers/bmh_agent_controller.go) and the Bare Metal Operator's API
// (metal3.io) read and write. Constructs, the runner and the tests' service stand-in agree on them here.
import type { FakeHost } from './model.ts';

/** BMAC finds a BareMetalHost's InfraEnv by this label (BMH_INFRA_ENV_LABEL), in the BMH's namespace. */
export const INFRA_ENV_LABEL = 'infraenvs.agent-install.openshift.io';

/** BMAC labels the Agent it matched (by the BMH's bootMACAddress) with the BMH's name (AGENT_BMH_LABEL). */
export const AGENT_BMH_LABEL = 'agent-install.openshift.io/bmh';

/** Annotations BMAC copies onto the Agent (reconcileAgentSpec). */
export const BMAC_ANNOTATION = {
  role: 'bmac.agent-install.openshift.io/role',
  hostname: 'bmac.agent-install.openshift.io/hostname',
  /** `<namespace>/<name>` of a ClusterDeployment: BMAC binds the Agent to it (late binding, reconcileClusterReference). */
  clusterReference: 'bmac.agent-install.openshift.io/cluster-reference',
} as const;

/**
 * The Agent spec fields BMAC sets for a host with a BareMetalHost (reconcileAgentSpec: approved
 * always; role, hostname and the ClusterDeployment from the annotations above). The runner
 * leaves them to BMAC: patching them too would do the work twice.
 */
export const BMAC_AGENT_FIELDS: readonly string[] = ['approved', 'hostname', 'role', 'clusterDeploymentName'];

/** Annotations of the Bare Metal Operator's API that BMAC and BMO exchange. */
export const METAL3_ANNOTATION = {
  /** `disabled`: BMO skips inspection (BMAC sets it if missing). */
  inspect: 'inspect.metal3.io',
  /** BMAC writes the Agent's inventory here; BMO moves it into status.hardware and drops it. */
  hardwareDetails: 'inspect.metal3.io/hardwaredetails',
  /** BMAC sets it once the host has rebooted into its cluster; BMO then reports operationalStatus `detached`. */
  detached: 'baremetalhost.metal3.io/detached',
  /** BMO does nothing with a paused host. */
  paused: 'baremetalhost.metal3.io/paused',
} as const;

/**
 * The swarm's BareMetalHosts are paused from the start, so that a real Bare Metal Operator on the
 * hub leaves them to the runner (it would try to register them with Ironic). The value is the
 * one BMAC itself writes once a host is provisioned (PAUSE_PROVISIONED_BMHS): its write then
 * changes nothing, and the next apply meets no field owned by another manager.
 */
export const PAUSED_BY = 'assisted-service-controller';

/** A port nothing listens on; the address is on loopback, so even a dial would not leave the machine. */
export const BMC_PORT = 9;

/** Where the host's BMC would be. Nothing dials it: no BMO runs, and the service only copies it. */
export function bmcAddress(host: Pick<FakeHost, 'hostId'>): string {
  return `redfish-virtualmedia+http://127.0.0.1:${BMC_PORT}/redfish/v1/Systems/${host.hostId}`;
}

/**
 * The BMC credentials every BareMetalHost must name (BMO reads `username` and `password`):
 * placeholders, visibly fake, since there is no BMC behind the address.
 */
export const PLACEHOLDER_BMC_CREDENTIALS = { username: 'assisted-swarm', password: 'placeholder-no-bmc-behind-this' } as const;

export function bareMetalHostName(host: Pick<FakeHost, 'hostname'>): string {
  return host.hostname;
}

export function bmcSecretName(host: Pick<FakeHost, 'hostname'>): string {
  return `${host.hostname}-bmc`;
}
