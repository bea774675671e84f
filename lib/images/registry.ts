// Registries: which one a reference names, and the credentials the Docker client would use for
// it (the Docker config's `auths`, `credHelpers` and `credsStore`, as `docker login` left them).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DOCKER_HUB = 'docker.io';

/**
 * The registry a reference names explicitly (`quay.io/a/b` → `quay.io`), or null for a plain
 * repository (`assisted-swarm/agent`): the first component names a registry when it has a dot,
 * a port, or is `localhost`, as the Docker client reads it.
 */
export function registryOf(ref: string): string | null {
  const slash = ref.indexOf('/');
  if (slash < 0) return null;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : null;
}

/** `repo:tag` → { repository: 'repo', tag: 'tag' } (a digest or no tag: tag 'latest'). */
export function splitTag(ref: string): { repository: string; tag: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repository: ref, tag: 'latest' };
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The Docker config's path: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/** How the config spells a registry's key: "quay.io", "https://quay.io/v1/", Docker Hub's URL. */
function sameRegistry(key: string, registry: string): boolean {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (registry === DOCKER_HUB) return ['index.docker.io', 'docker.io', 'registry-1.docker.io'].includes(host);
  return host === registry;
}

/** Asks a credential helper (docker-credential-<name>), as the Docker client does. */
function fromHelper(helper: string, registry: string, env: NodeJS.ProcessEnv): RegistryAuth | null {
  const server = registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
  const run = spawnSync(`docker-credential-${helper}`, ['get'], { input: server, encoding: 'utf8', env });
  if (run.error) throw new Error(`the Docker config names credential helper "${helper}", but docker-credential-${helper} cannot run: ${run.error.message}`);
  if (run.status !== 0) return null; // "credentials not found"
  const { Username, Secret } = JSON.parse(run.stdout) as { Username: string; Secret: string };
  return Username === '<token>' ? { identitytoken: Secret, serveraddress: server } : { username: Username, password: Secret, serveraddress: server };
}

/** The credentials for `registry`, or null when the Docker config has none (anonymous). */
export function registryAuth(registry: string, env: NodeJS.ProcessEnv = process.env): RegistryAuth | null {
  const path = dockerConfigPath(env);
  if (!existsSync(path)) return null;
  const config = JSON.parse(readFileSync(path, 'utf8')) as DockerConfig;
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => sameRegistry(key, registry))?.[1];
  if (helper) return fromHelper(helper, registry, env);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => sameRegistry(key, registry));
  if (entry) {
    const [key, value] = entry;
    if (value.identitytoken) return { identitytoken: value.identitytoken, serveraddress: key };
    if (value.auth) {
      const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: key };
    }
    if (value.username) return { username: value.username, password: value.password, serveraddress: key };
  }
  if (config.credsStore) return fromHelper(config.credsStore, registry, env);
  return null;
}
