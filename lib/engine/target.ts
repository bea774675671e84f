// Where a swarm's fake hosts run, from its config: the Docker engines of runtime.engines (or
// $DOCKER_HOST, or the local socket), or the Kubernetes cluster of runtime.kubernetes (the hub's
// own unless it names another kubeconfig or context). Either way an EnginePool: the runner,
// plan, apply, status and destroy never ask which.
import type { SwarmConfig } from '../config/types.ts';
import { readWorkloads } from '../dist/read.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../hub/kubeconfig.ts';
import { podNamespace } from '../swarm/kubernetes.ts';
import type { DockerEngineOptions } from './docker.ts';
import { KubernetesEngine } from './kubernetes.ts';
import { EnginePool, openEngines } from './pool.ts';

export interface TargetOptions {
  /** The synthesized folder: the pods of dist/kubernetes are what a Kubernetes target starts. */
  dist?: string;
  /** The hub's kubeconfig as chosen (flags, config, environment): a Kubernetes target without its own uses it. */
  hub?: LoadedKubeConfig;
  docker?: Omit<DockerEngineOptions, 'host' | 'name'>;
}

export function openTarget(config: SwarmConfig, options: TargetOptions = {}): EnginePool {
  const k8s = config.runtime.kubernetes;
  if (!k8s) return openEngines(config.runtime.engines, options.docker);
  const own = k8s.kubeconfig !== null || k8s.context !== null;
  const kube = own || !options.hub ? loadKubeConfig({ kubeconfig: k8s.kubeconfig, context: k8s.context }, config.hub) : options.hub;
  return new EnginePool([new KubernetesEngine({
    kubeConfig: kube.kubeConfig,
    namespace: podNamespace(config),
    swarm: config.name,
    workloads: options.dist ? readWorkloads(options.dist) : new Map(),
    nodeSelector: k8s.nodeSelector,
    containerdSocket: k8s.containerdSocket,
  })]);
}
