// The Kubernetes engine: each launch-plan container runs as the pod synth made for it
// (dist/kubernetes/, lib/constructs/workloads.ts), created as it is in the swarm's namespace.
// What the runner learns at apply time goes into the pod's launch Secret (one per InfraEnv, one
// per controller); the files the runner writes before any pod runs (cluster-hosts files) become
// ConfigMaps the pods mount; folders are hostPaths the kubelet makes. Pods are followed with a
// watch: their container's starts and deaths, and what keeps one from running (not scheduled,
// an image not pulled) with the kubelet's words. Reads, writes and commands in a running pod go
// through the API server's exec. Any cluster: the hub's own or another.
import { basename } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../dist/types.ts';
import { containerdHas } from '../images/containerd.ts';
import { ENGINE_MADE, filesConfigMapName } from '../swarm/kubernetes.ts';
import { LABEL, MANAGED_BY, MANAGER } from '../swarm/labels.ts';
import {
  EngineError, type ContainerEngine, type ContainerEvent, type ContainerInfo, type EngineCapacity, type FilesRequest, type LaunchSpec,
} from './engine.ts';
import { podEvents, podId, podInfo, podNameOf, RESTART_CAP_MESSAGE } from './kubernetes-pods.ts';
import { parseQuantity } from './kubernetes-quantity.ts';

export interface KubernetesEngineOptions {
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  swarm: string;
  /** The pods of dist/kubernetes, by launch-plan container name. */
  workloads: Map<string, KubeObject>;
  /** Nodes whose labels count for capacity (runtime.kubernetes.nodeSelector). */
  nodeSelector?: Record<string, string>;
  /** A containerd on this machine whose images the nodes use (runtime.kubernetes.containerdSocket). */
  containerdSocket?: string | null;
}

export class KubernetesEngine implements ContainerEngine {
  readonly name: string;
  private readonly core: k8s.CoreV1Api;
  private readonly ns: string;
  /** The namespace, its default ServiceAccount, checked once. */
  private ready?: Promise<void>;
  /** Launch Secrets and file ConfigMaps as last written, by name: same content, no request. */
  private readonly written = new Map<string, string>();

  constructor(private readonly o: KubernetesEngineOptions) {
    this.core = o.kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.ns = o.namespace;
    this.name = `kubernetes:${o.kubeConfig.getCurrentContext()}/${o.namespace}`;
  }

  async ping(): Promise<void> {
    try {
      await this.o.kubeConfig.makeApiClient(k8s.VersionApi).getCode();
    } catch (e) {
      throw this.error(e, `the Kubernetes API server ${this.o.kubeConfig.getCurrentCluster()?.server ?? '?'} does not answer`);
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    try {
      const pods = await this.core.listNamespacedPod({ namespace: this.ns, labelSelector: selector(labels) });
      return pods.items.map((p) => podInfo(p, this.name));
    } catch (e) {
      if (code(e) === 404) return [];
      throw this.error(e, 'cannot list pods');
    }
  }

  async inspect(id: string): Promise<ContainerInfo | null> {
    const pod = await this.pod(id);
    return pod ? podInfo(pod, this.name) : null;
  }

  async start(spec: LaunchSpec): Promise<ContainerInfo> {
    const manifest = this.o.workloads.get(spec.name);
    if (!manifest) throw new EngineError(this.name, `${spec.name} has no pod in dist/kubernetes: run \`npm run synth\``);
    if (manifest.metadata.labels?.[LABEL.specHash] !== spec.labels[LABEL.specHash]) {
      throw new EngineError(this.name, `dist/kubernetes holds another pod for ${spec.name} than dist/launch: run \`npm run synth\``);
    }
    await (this.ready ??= this.prepare());
    await this.writeLaunchSecret(launchSecretOf(manifest), spec);
    const startedAt = Date.now();
    try {
      const pod = await this.core.createNamespacedPod({ namespace: this.ns, body: { ...manifest, metadata: { ...manifest.metadata, namespace: this.ns } } as k8s.V1Pod });
      return { ...podInfo(pod, this.name), startedAt };
    } catch (e) {
      throw this.error(e, `cannot create pod ${manifest.metadata.name}`);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      const pod = await this.pod(id);
      if (pod) await this.core.deleteNamespacedPod({ namespace: this.ns, name: pod.metadata!.name!, gracePeriodSeconds: 0, body: { preconditions: { uid: pod.metadata!.uid } } });
    } catch (e) {
      if (code(e) !== 404 && code(e) !== 409) throw this.error(e, `cannot delete pod ${podNameOf(id)}`);
    }
  }

  async logs(id: string, tail = 100): Promise<string> {
    const pod = await this.pod(id);
    if (!pod) throw new EngineError(this.name, `no pod ${podNameOf(id)}`, 404);
    // A container waiting to restart (or the launcher's end at the restart cap) has nothing of its own: its last run's output is the story.
    const s = pod.status?.containerStatuses?.[0];
    const previous = !!s?.lastState?.terminated && (!!s.state?.waiting || !!s.state?.terminated?.message?.startsWith(RESTART_CAP_MESSAGE));
    try {
      return await this.core.readNamespacedPodLog({ namespace: this.ns, name: pod.metadata!.name!, tailLines: tail, previous });
    } catch (e) {
      throw this.error(e, `cannot read the logs of pod ${pod.metadata!.name}`);
    }
  }

  watch(labels: Record<string, string>, onEvent: (e: ContainerEvent) => void, onError: (err: Error) => void): () => void {
    const path = `/api/v1/namespaces/${this.ns}/pods`;
    const labelSelector = selector(labels);
    const list = () => this.core.listNamespacedPod({ namespace: this.ns, labelSelector });
    const informer = k8s.makeInformer<k8s.V1Pod>(this.o.kubeConfig, path, list, labelSelector);
    const seen = new Map<string, k8s.V1Pod>();
    let stopped = false;
    const look = (pod: k8s.V1Pod) => {
      const key = pod.metadata!.name!;
      for (const e of podEvents(seen.get(key) ?? null, pod, this.name)) onEvent(e);
      seen.set(key, pod);
    };
    informer.on('add', look);
    informer.on('update', look);
    informer.on('delete', (pod) => seen.delete(pod.metadata!.name!));
    informer.on('error', (err) => {
      if (stopped) return;
      onError(new EngineError(this.name, `watch of pods failed (${(err as Error).message}); watching again`));
      setTimeout(() => { if (!stopped) void informer.start(); }, 2000).unref();
    });
    // What the pods were before the watch is no news (as Docker's event stream tells only what
    // comes): the informer's first list of them is compared with this one.
    void list()
      .then((pods) => { for (const pod of pods.items) seen.set(pod.metadata!.name!, pod); })
      .then(() => (stopped ? undefined : informer.start()))
      .catch((err: Error) => onError(this.error(err, 'cannot watch pods')));
    return () => { stopped = true; void informer.stop(); };
  }

  /**
   * Through `request.container` (a running pod that mounts them): folders made and files written
   * with exec. Without one, before any pod runs: files become ConfigMaps the pods mount (their
   * folder, so a change reaches running pods); folders are hostPaths the kubelet makes.
   */
  async writeFiles(request: FilesRequest): Promise<void> {
    if (request.container) {
      if (request.dirs.length) await this.mustExec(request.container, ['mkdir', '-p', ...request.dirs]);
      for (const f of request.files) {
        await this.mustExec(request.container, ['sh', '-c', 'mkdir -p "${1%/*}" && cat > "$1.tmp" && mv -f "$1.tmp" "$1"', 'sh', f.path], f.content);
      }
      return;
    }
    if (!request.files.length) return;
    await (this.ready ??= this.prepare());
    for (const f of request.files) {
      await this.put('ConfigMap', filesConfigMapName(f.path), { [basename(f.path)]: f.content }, f.path);
    }
  }

  async readFile(path: string, container: string | null): Promise<string | null> {
    if (!container) throw new EngineError(this.name, `cannot read ${path}: no running pod mounts it`);
    const { exitCode, output } = await this.execute(container, ['sh', '-c', '[ -e "$1" ] || exit 3; cat "$1"', 'sh', path]);
    if (exitCode === 3) return null;
    if (exitCode !== 0) throw new EngineError(this.name, `cannot read ${path} in pod ${podNameOf(container)}: ${output.trim()}`);
    return output;
  }

  async exec(container: string, command: string[]): Promise<{ exitCode: number; output: string }> {
    return this.execute(container, command);
  }

  /** The allocatable CPU and memory of the schedulable nodes the pods may go to. */
  async capacity(): Promise<EngineCapacity | null> {
    try {
      const nodes = await this.core.listNode({ labelSelector: this.o.nodeSelector && Object.keys(this.o.nodeSelector).length ? selector(this.o.nodeSelector) : undefined });
      let memoryBytes = 0, cpus = 0, pods = 0;
      for (const n of nodes.items.filter((x) => !x.spec?.unschedulable)) {
        memoryBytes += parseQuantity(n.status?.allocatable?.memory ?? '0');
        cpus += parseQuantity(n.status?.allocatable?.cpu ?? '0');
        pods += parseQuantity(n.status?.allocatable?.pods ?? '0');
      }
      return nodes.items.length ? { memoryBytes, cpus, pods } : null;
    } catch (e) {
      if (code(e) === 403) return null;
      throw this.error(e, 'cannot list nodes');
    }
  }

  /** With a containerd on this machine: whether it has the image; else null (nodes pull it). */
  async hasImage(ref: string): Promise<boolean | null> {
    if (!this.o.containerdSocket) return null;
    try {
      return await containerdHas(this.o.containerdSocket, ref);
    } catch (e) {
      throw new EngineError(this.name, (e as Error).message);
    }
  }

  /** The containerd on this machine whose images the nodes use (runtime.kubernetes.containerdSocket), or null. */
  get containerdSocket(): string | null {
    return this.o.containerdSocket ?? null;
  }

  /**
   * The hosts' folders are hostPath volumes on whichever nodes ran the pods: this engine reaches
   * no node's disk, so it leaves them and says so (a host's files are cleared when its pod first
   * starts, so a later swarm never meets an earlier life's).
   */
  async removeFolder(path: string): Promise<string | null> {
    return `left ${path} on the nodes that ran the pods (hostPath; remove it there, or let the next run's pods clear their files)`;
  }

  /**
   * What the engine made for the swarm's pods (which are gone by then): its launch Secrets and
   * file ConfigMaps, and the namespace it made for them once nothing else is in it.
   */
  async sweep(labels: Record<string, string>): Promise<string[]> {
    const labelSelector = `${selector(labels)},${LABEL.component} in (${ENGINE_MADE.launch},${ENGINE_MADE.files})`;
    const removed: string[] = [];
    try {
      for (const s of (await this.core.listNamespacedSecret({ namespace: this.ns, labelSelector })).items) {
        await this.core.deleteNamespacedSecret({ namespace: this.ns, name: s.metadata!.name! });
        removed.push(`Secret ${this.ns}/${s.metadata!.name}`);
      }
      for (const c of (await this.core.listNamespacedConfigMap({ namespace: this.ns, labelSelector })).items) {
        await this.core.deleteNamespacedConfigMap({ namespace: this.ns, name: c.metadata!.name! });
        removed.push(`ConfigMap ${this.ns}/${c.metadata!.name}`);
      }
      if (await this.ownEmptyNamespace(labels)) {
        await this.core.deleteNamespace({ name: this.ns });
        removed.push(`Namespace ${this.ns}`);
      }
    } catch (e) {
      if (code(e) !== 404) throw this.error(e, 'cannot remove the launch Secrets, file ConfigMaps and the pods\' namespace');
    }
    this.written.clear();
    this.ready = undefined;
    return removed;
  }

  /** The pods' namespace is this engine's to delete: made by it for this swarm, and holding nothing but the swarm's pods on their way out. */
  private async ownEmptyNamespace(labels: Record<string, string>): Promise<boolean> {
    const ns = await this.core.readNamespace({ name: this.ns });
    const own = ns.metadata?.labels?.[LABEL.component] === ENGINE_MADE.namespace && Object.entries(labels).every(([k, v]) => ns.metadata?.labels?.[k] === v);
    if (!own || ns.metadata?.deletionTimestamp) return false;
    const others = `${LABEL.swarm}!=${labels[LABEL.swarm]}`;
    const [pods, secrets, configMaps] = await Promise.all([
      this.core.listNamespacedPod({ namespace: this.ns, labelSelector: others }),
      this.core.listNamespacedSecret({ namespace: this.ns }),
      this.core.listNamespacedConfigMap({ namespace: this.ns }),
    ]);
    // kube-root-ca.crt is in every namespace.
    return !pods.items.length && !secrets.items.length && configMaps.items.every((c) => c.metadata?.name === 'kube-root-ca.crt');
  }

  private async pod(id: string): Promise<k8s.V1Pod | null> {
    try {
      const pod = await this.core.readNamespacedPod({ namespace: this.ns, name: podNameOf(id) });
      // The same name, another uid: the container asked for is gone.
      return podId(pod) === id || !id.includes('/') ? pod : null;
    } catch (e) {
      if (code(e) === 404) return null;
      throw this.error(e, `cannot read pod ${podNameOf(id)}`);
    }
  }

  /** The namespace and its default ServiceAccount (a cluster without the serviceaccount controller lacks it). */
  private async prepare(): Promise<void> {
    const labels = { [MANAGED_BY]: MANAGER, [LABEL.swarm]: this.o.swarm, [LABEL.component]: ENGINE_MADE.namespace };
    try {
      await this.core.createNamespace({ body: { metadata: { name: this.ns, labels } } });
    } catch (e) {
      if (code(e) !== 409) throw this.error(e, `cannot make namespace ${this.ns}`);
    }
    try {
      await this.core.createNamespacedServiceAccount({ namespace: this.ns, body: { metadata: { name: 'default' }, automountServiceAccountToken: false } });
    } catch (e) {
      if (code(e) !== 409) throw this.error(e, `cannot make the default ServiceAccount of ${this.ns}`);
    }
  }

  /** The Secret the pod's launcher reads: command, environment, run-time files. */
  private writeLaunchSecret(name: string, spec: LaunchSpec): Promise<void> {
    const data: Record<string, string> = {
      command: spec.command.map((a) => `${a}\n`).join(''),
      env: Object.entries(spec.runtimeEnv).map(([k, v]) => `${k}=${v}\n`).join(''),
    };
    if (spec.runtimeFiles.length) {
      data.files = spec.runtimeFiles.map((f) => `${f.path}\n`).join('');
      spec.runtimeFiles.forEach((f, i) => { data[`file-${i}`] = f.content; });
    }
    return this.put('Secret', name, data);
  }

  /** Creates or replaces a Secret or ConfigMap of the swarm (nothing when it holds this already). */
  private async put(kind: 'Secret' | 'ConfigMap', name: string, data: Record<string, string>, path?: string): Promise<void> {
    const body = JSON.stringify(data);
    if (this.written.get(`${kind}/${name}`) === body) return;
    const labels = { [MANAGED_BY]: MANAGER, [LABEL.swarm]: this.o.swarm, [LABEL.component]: kind === 'Secret' ? ENGINE_MADE.launch : ENGINE_MADE.files };
    const annotations = path ? { 'assisted-swarm.io/path': path } : undefined;
    const object = kind === 'Secret'
      ? { metadata: { name, labels }, stringData: data, type: 'Opaque' }
      : { metadata: { name, labels, annotations }, data };
    try {
      if (kind === 'Secret') await this.core.createNamespacedSecret({ namespace: this.ns, body: object as k8s.V1Secret });
      else await this.core.createNamespacedConfigMap({ namespace: this.ns, body: object as k8s.V1ConfigMap });
    } catch (e) {
      if (code(e) !== 409) throw this.error(e, `cannot make ${kind} ${name}`);
      try {
        if (kind === 'Secret') await this.core.replaceNamespacedSecret({ namespace: this.ns, name, body: object as k8s.V1Secret });
        else await this.core.replaceNamespacedConfigMap({ namespace: this.ns, name, body: object as k8s.V1ConfigMap });
      } catch (err) {
        throw this.error(err, `cannot update ${kind} ${name}`);
      }
    }
    this.written.set(`${kind}/${name}`, body);
  }

  private async mustExec(container: string, command: string[], stdin?: string): Promise<void> {
    const { exitCode, output } = await this.execute(container, command, stdin);
    if (exitCode !== 0) throw new EngineError(this.name, `${command[0]} in pod ${podNameOf(container)} exited ${exitCode}: ${output.trim()}`);
  }

  /** A command in the pod's container through the API server; its exit code and output. */
  private async execute(container: string, command: string[], stdin?: string): Promise<{ exitCode: number; output: string }> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    let status: k8s.V1Status | undefined;
    try {
      const ws = await new k8s.Exec(this.o.kubeConfig).exec(this.ns, podNameOf(container), 'main', command, out, out,
        stdin === undefined ? null : Readable.from([Buffer.from(stdin)]), false, (s) => { status = s; });
      await new Promise<void>((done) => ws.on('close', () => done()));
    } catch (e) {
      throw this.error(e, `cannot run ${command[0]} in pod ${podNameOf(container)}`);
    }
    const output = Buffer.concat(chunks).toString('utf8');
    if (!status) return { exitCode: -1, output };
    if (status.status === 'Success') return { exitCode: 0, output };
    const exit = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
    return { exitCode: exit !== undefined ? Number(exit) : -1, output: output || (status.message ?? '') };
  }

  private error(e: unknown, context: string): EngineError {
    const c = code(e);
    const body = (e as { body?: unknown }).body;
    const message = (typeof body === 'string' ? safeMessage(body) : (body as { message?: string } | undefined)?.message) ?? (e as Error).message?.split('\n')[0] ?? String(e);
    return new EngineError(this.name, `${context}: ${message}`, typeof c === 'number' ? c : undefined);
  }
}

function selector(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function code(e: unknown): number | string | undefined {
  return (e as { code?: number | string }).code;
}

function safeMessage(text: string): string | undefined {
  try { return (JSON.parse(text) as { message?: string }).message; } catch { return text.slice(0, 200) || undefined; }
}

/** The launch Secret a pod mounts (its `launch` volume). */
function launchSecretOf(pod: KubeObject): string {
  const volumes = (pod.spec as { volumes?: { name: string; secret?: { secretName?: string } }[] } | undefined)?.volumes ?? [];
  const name = volumes.find((v) => v.name === 'launch')?.secret?.secretName;
  if (!name) throw new Error(`pod ${pod.metadata.name} in dist/kubernetes has no launch Secret volume`);
  return name;
}
