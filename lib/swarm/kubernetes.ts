// How a fake host's (or controller's) container is laid out as a pod on Kubernetes: the names
// and paths synth (lib/constructs/workloads.ts) and the engine (lib/engine/kubernetes.ts) must
// agree on. What the runner learns at apply time (the agent's command line, its token, the
// service's CA, a cluster's id) is never in the pod: it goes into a launch Secret the pod mounts,
// and the swarm image's launcher (lib/images/shims/swarm-launch) starts the program from it.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { SwarmConfig } from '../config/types.ts';
import { SHIM_DIR } from '../images/layer.ts';
import { LABEL } from './labels.ts';

/** The pod's program: reads the launch Secret, then execs the host's (or controller's) command. */
export const LAUNCHER = `${SHIM_DIR}/swarm-launch`;
/** Where the launch Secret is mounted: `command` (one argument per line), `env` (NAME=value lines), `files`, `file-N`. */
export const LAUNCH_MOUNT = '/run/assisted-swarm/launch';
/** An emptyDir that outlives container restarts: the launcher counts starts there (the restart cap). */
export const RESTARTS_MOUNT = '/run/assisted-swarm/restarts';
/** Where files the engine provides as ConfigMaps are mounted (a folder per file, so updates reach running pods). */
const FILES_MOUNT = '/run/assisted-swarm/files';

/**
 * What the Kubernetes engine makes besides pods, by their component label: the namespace it makes
 * for them, launch Secrets, file ConfigMaps. Not objects of dist/hub: plan leaves them to the
 * engine, and destroy's sweep removes them.
 */
export const ENGINE_MADE = { namespace: 'pods-namespace', launch: 'launch', files: 'files' } as const;

export function isEngineMade(labels: Record<string, string> | undefined): boolean {
  return (Object.values(ENGINE_MADE) as string[]).includes(labels?.[LABEL.component] ?? '');
}

/** On pods: the launch plan's container name (pod names can't hold "_"). */
export const CONTAINER_ANNOTATION = 'assisted-swarm.io/container';

const hash = (text: string, n = 10) => createHash('sha256').update(text).digest('hex').slice(0, n);

/** The pods' namespace: the config's, else `<namespace prefix>hosts`. */
export function podNamespace(config: SwarmConfig): string {
  return config.runtime.kubernetes?.namespace ?? `${config.hub.namespacePrefix ?? `${config.name}-`}hosts`;
}

/** A pod name (a DNS label) for a launch plan's container name: "_" → "-"; a long one cut, with a hash. */
export function podName(containerName: string): string {
  const name = containerName.replace(/_/g, '-').toLowerCase();
  return name.length <= 63 ? name : `${name.slice(0, 52)}-${hash(containerName)}`;
}

/**
 * The launch Secret of an InfraEnv's hosts (they share the agent's command line and token), or of
 * a cluster's controller (by its container's name, which holds the swarm's: swarms may share a namespace).
 */
export function launchSecretName(owner: { infraEnv: { namespace: string; name: string } } | { controller: string }): string {
  const key = 'infraEnv' in owner ? `${owner.infraEnv.namespace}-${owner.infraEnv.name}` : podName(owner.controller);
  const name = `launch-${key}`;
  return name.length <= 253 ? name : `launch-${hash(key, 16)}`;
}

/** The ConfigMap that holds a file the engine provides at `path` (a cluster-hosts file). */
export function filesConfigMapName(path: string): string {
  return `files-${hash(path, 16)}`;
}

/** Where a pod sees that file: its ConfigMap's folder, the file under its own name. */
export function podFilePath(path: string): string {
  return `${FILES_MOUNT}/${hash(path, 16)}/${basename(path)}`;
}

export function podFilesFolder(path: string): string {
  return `${FILES_MOUNT}/${hash(path, 16)}`;
}
