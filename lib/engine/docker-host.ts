// A DOCKER_HOST string (unix://, tcp://, ssh://) as dockerode connection options, read the
// way the docker CLI reads it: TLS for tcp from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH, ssh
// through the user's ssh agent (SSH_AUTH_SOCK) and `docker system dial-stdio` on the far side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface DockerHost {
  /** Short name for reports and logs: "local" for the default socket, else the address. */
  name: string;
  options: DockerOptions;
  /** The engine runs on this machine: bind-mount sources can be written here directly. */
  local: boolean;
}

export function parseDockerHost(host: string | undefined, env: NodeJS.ProcessEnv = process.env): DockerHost {
  const value = host || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  if (value.startsWith('unix://') || value.startsWith('/')) {
    const socketPath = value.replace(/^unix:\/\//, '') || DEFAULT_SOCKET;
    return { name: socketPath === DEFAULT_SOCKET ? 'local' : `unix://${socketPath}`, options: { socketPath }, local: true };
  }
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `tcp://${value}`);
  } catch {
    throw new Error(`engine ${JSON.stringify(value)}: not a DOCKER_HOST (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  const name = `${url.protocol}//${url.host}`;
  if (url.protocol === 'ssh:') {
    return {
      name,
      local: false,
      options: {
        protocol: 'ssh', host: url.hostname, port: url.port ? Number(url.port) : 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      },
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`engine ${JSON.stringify(value)}: unsupported scheme ${url.protocol} (unix://, tcp:// or ssh://)`);
  }
  const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const certPath = env.DOCKER_CERT_PATH;
  return {
    name,
    local: false,
    options: {
      protocol: tls ? 'https' : 'http',
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      ...(tls && certPath
        ? { ca: readFileSync(join(certPath, 'ca.pem')), cert: readFileSync(join(certPath, 'cert.pem')), key: readFileSync(join(certPath, 'key.pem')) }
        : {}),
    },
  };
}
