// Test-only: what the service stand-in tells installers, shaped as assisted-service does:
// - the install step's argument, an InstallCmdRequest as JSON (internal/host/hostcommands/
//   install_cmd.go getFullInstallerCommand: the bootstrap's role is "bootstrap", the cluster's
//   control-plane count, the installer and controller images), from which the agent builds the
//   installer's command line;
// - a cluster as GET /v2/clusters/{id} answers (models.Cluster: its hosts with id, infra_env_id,
//   role, bootstrap, status, requested_hostname and progress), from the Agents the stand-in keeps.
import type { HubObject } from '../../lib/runner/hub.ts';

/** The images the stand-in names (AGENT_DOCKER_IMAGE, INSTALLER_IMAGE, CONTROLLER_IMAGE of the service). */
export const AGENT_IMAGE = 'quay.io/edge-infrastructure/assisted-installer-agent:latest';
export const INSTALLER_IMAGE = 'quay.io/edge-infrastructure/assisted-installer:latest';
export const CONTROLLER_IMAGE = 'quay.io/edge-infrastructure/assisted-installer-controller:latest';

/** The dummy generator's files (internal/ignition/dummy.go): a bootstrap ignition, "data" for a host's. */
export const BOOTSTRAP_IGNITION = '{"ignition":{"version":"3.2.0"}}';
export const HOST_IGNITION = 'data';

export function installCmdRequest(o: { agent: HubObject; clusterId: string; infraEnvId: string; controlPlaneCount: number }): string {
  const role = o.agent.status?.bootstrap ? 'bootstrap' : String(o.agent.spec?.role || 'auto-assign');
  return JSON.stringify({
    role,
    cluster_id: o.clusterId,
    host_id: o.agent.metadata.name,
    infra_env_id: o.infraEnvId,
    control_plane_count: o.controlPlaneCount,
    controller_image: CONTROLLER_IMAGE,
    installer_image: INSTALLER_IMAGE,
    boot_device: '/dev/sda',
    check_cvo: false,
    disks_to_format: [],
    service_ips: [],
  });
}

export function clusterView(o: { id: string; state: string; hosts: { agent: HubObject; infraEnvId: string }[]; withHosts: boolean }): object {
  return {
    id: o.id,
    kind: 'Cluster',
    status: o.state,
    ...(o.withHosts ? {
      hosts: o.hosts.map(({ agent, infraEnvId }) => ({
        id: agent.metadata.name,
        kind: 'Host',
        cluster_id: o.id,
        infra_env_id: infraEnvId,
        role: String(agent.spec?.role || 'auto-assign'),
        bootstrap: agent.status?.bootstrap === true,
        status: agent.status?.debugInfo?.state ?? 'discovering',
        requested_hostname: agent.spec?.hostname ?? '',
        progress: { current_stage: agent.status?.progress?.currentStage ?? '', progress_info: agent.status?.progress?.progressInfo ?? '' },
      })),
    } : {}),
  };
}
