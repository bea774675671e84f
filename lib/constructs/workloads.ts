// Fake hosts and controllers as pods (cdk8s-plus-27), for a swarm whose hosts run on Kubernetes
// (runtime.kubernetes): one pod per launch-plan container, made from the same ContainerSpec the
// Docker engine runs, so both run the same thing. The runner creates these pods as they are
// (lib/engine/kubernetes.ts); dist/kubernetes/ shows them for review, one file per cluster and pool.
// - Host networking, the capabilities and hardware mounts of the Docker path, the limits of
//   `runtime` and the requests of runtime.kubernetes, the swarm's labels.
// - The hosts of one cluster and its controller share their cluster's folder (reboot markers):
//   a hostPath, and a required pod affinity puts them on one node (the first pod lands anywhere).
// - What apply learns from the service comes from the launch Secret (lib/swarm/kubernetes.ts);
//   the cluster-hosts file from a ConfigMap the engine makes. Nothing secret is in dist/.
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { SwarmConfig } from '../config/types.ts';
import type { ContainerSpec } from '../swarm/containers.ts';
import {
  CONTAINER_ANNOTATION, filesConfigMapName, LAUNCH_MOUNT, LAUNCHER, launchSecretName, podFilePath, podFilesFolder, podName,
  podNamespace, RESTARTS_MOUNT,
} from '../swarm/kubernetes.ts';
import { LABEL } from '../swarm/labels.ts';
import type { Cluster, FakeHost, Pool, Swarm } from '../swarm/model.ts';
import { controllerContainer, fakeHostContainer } from '../swarm/containers.ts';

type Target = NonNullable<SwarmConfig['runtime']['kubernetes']>;

/** The environment variables that name a file the engine provides (as a ConfigMap). */
const ENGINE_FILES = ['DRY_CLUSTER_HOSTS_PATH'];

export interface SwarmPodProps {
  /** The launch plan's container: what runs, with which environment, mounts and limits. */
  readonly container: ContainerSpec;
  readonly config: SwarmConfig;
  /** The Secret the launcher reads the command, environment and files from. */
  readonly launchSecret: string;
  /** Pods with these labels must share its node (its cluster's); null: anywhere. */
  readonly colocate: Record<string, string> | null;
}

/** One launch-plan container as a pod. */
export class SwarmPod extends Construct {
  readonly pod: kplus.Pod;

  constructor(scope: Construct, id: string, props: SwarmPodProps) {
    super(scope, id);
    const { container: spec, config } = props;
    const target = config.runtime.kubernetes as Target;
    this.pod = new kplus.Pod(this, 'pod', {
      metadata: {
        name: podName(spec.name),
        namespace: podNamespace(config),
        labels: spec.labels,
        annotations: { [CONTAINER_ANNOTATION]: spec.name },
      },
      // An exit 0 (the dry-run agent after its fake reboot) is the end; a crash is restarted,
      // up to the restart cap the launcher keeps.
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      hostNetwork: spec.networkMode === 'host',
      dns: { policy: kplus.DnsPolicy.DEFAULT },
      hostAliases: hostAliases(spec.extraHosts),
      securityContext: { ensureNonRoot: false },
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(2),
      ...(target.imagePullSecret ? { dockerRegistryAuth: kplus.Secret.fromSecretName(this, 'pull', target.imagePullSecret) } : {}),
    });
    const env: Record<string, kplus.EnvValue> = {};
    for (const [k, v] of Object.entries(spec.env)) env[k] = kplus.EnvValue.fromValue(ENGINE_FILES.includes(k) ? podFilePath(v) : v);
    env.SWARM_RESTART_LIMIT = kplus.EnvValue.fromValue(String(config.runtime.restartLimit));
    if (spec.diskNodes) env.SWARM_DISK_NODES = kplus.EnvValue.fromValue('1');
    const cpuLimit = Math.round(spec.nanoCpus / 1e6);
    const memoryLimit = spec.memoryBytes / 2 ** 20;
    const main = this.pod.addContainer({
      name: 'main',
      image: spec.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: [LAUNCHER],
      envVariables: env,
      // A request above its limit makes the pod invalid: the limit caps it.
      resources: {
        cpu: { request: kplus.Cpu.millis(Math.min(cpuLimit, Math.max(1, Math.round(target.requests.cpus * 1000)))), limit: kplus.Cpu.millis(cpuLimit) },
        memory: { request: Size.mebibytes(Math.min(memoryLimit, target.requests.memoryMiB)), limit: Size.mebibytes(memoryLimit) },
      },
      securityContext: { ensureNonRoot: false, privileged: false, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false },
    });
    const secret = kplus.Secret.fromSecretName(this, 'launch-secret', props.launchSecret);
    main.mount(LAUNCH_MOUNT, kplus.Volume.fromSecret(this, 'launch', secret, { name: 'launch' }), { readOnly: true });
    main.mount(RESTARTS_MOUNT, kplus.Volume.fromEmptyDir(this, 'restarts', 'restarts'));
    spec.mounts.forEach((m, i) => {
      const volume = kplus.Volume.fromHostPath(this, `mount-${i}`, `mount-${i}`, { path: m.source, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE });
      main.mount(m.target, volume, { readOnly: m.readOnly });
    });
    ENGINE_FILES.map((k) => spec.env[k]).filter((p): p is string => !!p).forEach((path, i) => {
      const files = kplus.ConfigMap.fromConfigMapName(this, `files-${i}`, filesConfigMapName(path));
      main.mount(podFilesFolder(path), kplus.Volume.fromConfigMap(this, `files-volume-${i}`, files, { name: `files-${i}` }), { readOnly: true });
    });

    if (props.colocate) {
      this.pod.scheduling.colocate(kplus.Pods.select(this, 'peers', { labels: props.colocate }), { topology: kplus.Topology.HOSTNAME });
    }
    for (const [key, value] of Object.entries(target.nodeSelector)) {
      this.pod.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(key, value)));
    }
    // What cdk8s-plus has no props for: capabilities by their plain names (the runtime adds the
    // CAP_ prefix), the seccomp profile, tolerations exactly as configured.
    const object = ApiObject.of(this.pod);
    const at = '/spec/containers/0/securityContext';
    if (spec.capAdd.length || spec.capDrop.length) object.addJsonPatch(JsonPatch.add(`${at}/capabilities`, { add: spec.capAdd, drop: spec.capDrop }));
    if (spec.securityOpt.includes('seccomp=unconfined')) object.addJsonPatch(JsonPatch.add(`${at}/seccompProfile`, { type: 'Unconfined' }));
    if (target.tolerations.length) {
      object.addJsonPatch(JsonPatch.add('/spec/tolerations', target.tolerations.map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== null)))));
    }
  }
}

/** `name:address` entries as /etc/hosts entries of the pod, one per address. */
function hostAliases(extraHosts: string[]): kplus.HostAlias[] {
  const byIp = new Map<string, string[]>();
  for (const entry of extraHosts) {
    const colon = entry.lastIndexOf(':');
    const ip = entry.slice(colon + 1);
    byIp.set(ip, [...(byIp.get(ip) ?? []), entry.slice(0, colon)]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}

/** The labels that put a cluster's pods on one node. */
const clusterPeers = (cluster: string) => ({ [LABEL.cluster]: cluster });

function hostPod(scope: Construct, swarm: Swarm, host: FakeHost, cluster: Cluster | null): SwarmPod {
  return new SwarmPod(scope, host.hostname, {
    container: fakeHostContainer(swarm, host, cluster),
    config: swarm.config,
    launchSecret: launchSecretName({ infraEnv: host.infraEnv }),
    colocate: host.cluster ? clusterPeers(host.cluster) : null,
  });
}

/** A cluster's pods: its own hosts (not those it takes from a pool: the pool's file has them) and its controller. */
export class ClusterWorkloads extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, cluster: Cluster) {
    super(scope, id);
    if (cluster.infraEnv) for (const host of cluster.hosts) hostPod(this, swarm, host, cluster);
    const controller = controllerContainer(swarm, cluster);
    new SwarmPod(this, 'controller', {
      container: controller,
      config: swarm.config,
      launchSecret: launchSecretName({ controller: controller.name }),
      colocate: clusterPeers(cluster.name),
    });
  }
}

/** A pool's pods: every host that boots from it (those a cluster takes go to that cluster's node). */
export class PoolWorkloads extends Construct {
  constructor(scope: Construct, id: string, swarm: Swarm, pool: Pool) {
    super(scope, id);
    for (const host of pool.hosts) {
      hostPod(this, swarm, host, host.cluster === null ? null : swarm.clusters.find((c) => c.name === host.cluster)!);
    }
  }
}
