// Test-only: a discovery ignition shaped like the service's (assisted-service
// internal/ignition/templates/discovery.ign and agent.service, rendered by
// FormatDiscoveryIgnitionFile): Ignition 3.1 with the agent.service unit whose ExecStart
// carries the agent's flags, PULL_SECRET_TOKEN only when there is a token (local auth), and
// the service CA written where --cacert points when the service has one.

export interface IgnitionInput {
  serviceBaseUrl: string;
  infraEnvId: string;
  agentImage: string;
  skipCertVerification: boolean;
  /** The infra-env token under AUTH_TYPE=local; null under none. */
  token: string | null;
  /** PEM of the service's CA, written to HOST_CA_CERT_PATH; null: no --cacert. */
  caCert: string | null;
  /** More Environment= lines (test knobs of the stand-in agent). */
  unitEnv?: Record<string, string>;
}

/** Where the service puts its CA on a discovery host (SERVICE_CA_CERT_PATH → HostCACertPath). */
export const HOST_CA_CERT_PATH = '/etc/assisted-service/service-ca-cert.crt';

export function agentServiceUnit(i: IgnitionInput): string {
  const proxy = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'].map((k) => `Environment=${k}=`);
  return [
    '[Service]',
    'Type=simple',
    'Restart=always',
    'RestartSec=3',
    'StartLimitInterval=0',
    ...proxy.slice(0, -1),
    `${proxy.at(-1)}${i.token ? `\nEnvironment=PULL_SECRET_TOKEN=${i.token}` : ''}`,
    ...Object.entries(i.unitEnv ?? {}).map(([k, v]) => `Environment=${k}=${v}`),
    'TimeoutStartSec=600',
    `ExecStartPre=/usr/local/bin/agent-fix-bz1964591 ${i.agentImage}`,
    `ExecStartPre=/usr/local/bin/agent-pull-image ${i.agentImage}`,
    `ExecStartPre=podman run --pull=never --privileged --rm -v /usr/local/bin:/hostbin ${i.agentImage} cp /usr/bin/agent /hostbin`,
    `ExecStart=/usr/local/bin/agent --url ${i.serviceBaseUrl} --infra-env-id ${i.infraEnvId} --agent-version ${i.agentImage} --insecure=${i.skipCertVerification} ${i.caCert ? `--cacert ${HOST_CA_CERT_PATH}` : ''}`,
    '',
    '[Unit]',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

const file = (path: string, mode: number, source: string) => ({ overwrite: true, path, mode, user: { name: 'root' }, contents: { source } });

export function discoveryIgnition(i: IgnitionInput): object {
  return {
    ignition: { version: '3.1.0' },
    passwd: { users: [{ name: 'core', passwordHash: '!', sshAuthorizedKeys: ['ssh-ed25519 AAAA test'], groups: ['sudo'] }] },
    systemd: {
      units: [
        { name: 'agent.service', enabled: true, contents: agentServiceUnit(i) },
        { name: 'selinux.service', enabled: true, contents: '[Service]\nType=oneshot\nExecStart=/bin/true\n' },
        { name: 'multipathd.service', enabled: true },
      ],
    },
    storage: {
      files: [
        file('/usr/local/bin/agent-fix-bz1964591', 493, 'data:,%23!%2Fbin%2Fsh%0A'),
        file('/usr/local/bin/agent-pull-image', 493, 'data:,%23!%2Fbin%2Fsh%0A'),
        file('/etc/motd', 420, 'data:,This%20is%20a%20discovery%20host'),
        file('/root/.docker/config.json', 420, 'data:,%7B%22auths%22%3A%7B%7D%7D'),
        ...(i.caCert ? [file(HOST_CA_CERT_PATH, 420, `data:text/plain;charset=utf-8;base64,${Buffer.from(i.caCert).toString('base64')}`)] : []),
      ],
    },
  };
}
