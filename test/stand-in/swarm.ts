// Test-only: a swarm of its own for a runner test, on the shared test hub: the service stand-in
// on loopback, a config pointing at it (unique name, state and report folders under a temp
// dir, the stand-in agent image), dist/ synthesized, and the hub objects applied with
// server-side apply (what `apply` does before it calls the runner). cleanup() takes it all away.
// With `kubernetes`, the fake hosts run as pods on the hub's node (runtime.kubernetes: the node's
// containerd, a namespace of the swarm's own), the stand-in image loaded into that containerd.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type Docker from 'dockerode';
import { validateConfig } from '../../lib/config/load.ts';
import type { SwarmConfig, SwarmConfigInput } from '../../lib/config/types.ts';
import { synthToDir } from '../../lib/constructs/synth.ts';
import { readHubObjects } from '../../lib/dist/read.ts';
import { executeRun, type RunOptions, type RunResult } from '../../lib/runner/run.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';
import { podNamespace } from '../../lib/swarm/kubernetes.ts';
import { swarmLabels } from '../../lib/swarm/labels.ts';
import { hub, hubWithNode, removeTestContainers, uniqueNamespace, type Hub } from '../support/hub.ts';
import { loadIntoNode } from '../support/images.ts';
import { ensureStandInImage } from './image.ts';
import { ServiceStandIn, type StandInOptions } from './service.ts';

export interface TestSwarm {
  name: string;
  config: SwarmConfig;
  dist: string;
  dir: string;
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  docker: Docker;
  standIn: ServiceStandIn;
  /** One run of this swarm to its end (executeRun, options given replacing the defaults); what it printed is `out`. */
  run(options?: Partial<RunOptions>): Promise<RunResult & { out: string }>;
  cleanup(): Promise<void>;
}

export interface TestSwarmOptions {
  prefix: string;
  auth?: 'none' | 'local';
  clusters?: SwarmConfigInput['clusters'];
  pools?: SwarmConfigInput['pools'];
  runtime?: Partial<NonNullable<SwarmConfigInput['runtime']>>;
  report?: SwarmConfigInput['report'];
  /** hub.tls (default: the stand-in's CA when it serves HTTPS). */
  tls?: NonNullable<SwarmConfigInput['hub']>['tls'];
  isoDownload?: SwarmConfigInput['isoDownload'];
  standIn?: Partial<Omit<StandInOptions, 'kubeConfig' | 'auth' | 'labelSelector'>>;
  /** The fake hosts' image; default: the stand-in agent image. */
  image?: string;
  /** Run the hosts as pods on the hub's node; fields here go into runtime.kubernetes. */
  kubernetes?: true | Partial<NonNullable<NonNullable<SwarmConfigInput['runtime']>['kubernetes']>>;
}

export async function testSwarm(o: TestSwarmOptions): Promise<TestSwarm> {
  const h: Hub = o.kubernetes ? await hubWithNode() : await hub();
  const { kubeConfig, kubeconfigPath, docker } = h;
  const name = `${o.prefix}-${randomBytes(3).toString('hex')}`;
  const auth = o.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const image = await ensureStandInImage(docker);
  if (o.kubernetes) await loadIntoNode(docker, image, h.node!.containerdSocket);
  const kubernetes = o.kubernetes
    ? { namespace: `${name}-pods`, containerdSocket: h.node!.containerdSocket, ...(o.kubernetes === true ? {} : o.kubernetes) }
    : null;
  const serviceNs = await uniqueNamespace('svc', kubeConfig);
  const standIn = await new ServiceStandIn({ kubeConfig, auth, labelSelector: `assisted-swarm.io/swarm=${name}`, ...o.standIn }).start();
  // Over HTTPS the config trusts the stand-in's CA (a test may point hub.tls elsewhere).
  if (o.standIn?.tls) writeFileSync(join(dir, 'ca.crt'), o.standIn.tls.ca);
  const config = validateConfig({
    name,
    hub: { serviceUrl: standIn.url, serviceNamespace: serviceNs.name, auth, tls: o.tls ?? (o.standIn?.tls ? { caFile: join(dir, 'ca.crt') } : {}) },
    images: { swarm: o.image ?? image },
    clusters: o.clusters ?? [],
    pools: o.pools ?? [],
    ...(o.isoDownload ? { isoDownload: o.isoDownload } : {}),
    runtime: { stateDir: join(dir, 'state'), reportsDir: join(dir, 'reports'), memoryMiB: 32, cpus: 0.2, launchRate: 20, concurrency: 4, restartLimit: 2, timeoutMinutes: 5, progressSeconds: 5, kubernetes, ...o.runtime },
    ...(o.report ? { report: o.report } : {}),
  });
  const dist = join(dir, 'dist');
  synthToDir(expandSwarm(config), dist);
  await applyHubObjects(kubeConfig, dist);
  const namespaces = readHubObjects(dist).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  if (kubernetes) namespaces.push(podNamespace(config));
  return {
    name, config, dist, dir, kubeConfig, kubeconfigPath, docker, standIn,
    run: async (options = {}) => {
      let out = '';
      const result = await executeRun({ dist, config, kubeConfig, output: { write: (t) => { out += t; } }, ...options });
      return { ...result, out };
    },
    cleanup: async () => {
      await standIn.stop();
      await removeTestContainers(docker, swarmLabels(name));
      // Deleted, not waited for: the controller-manager empties them in its own time.
      const core = kubeConfig.makeApiClient(CoreV1Api);
      for (const ns of [...namespaces, serviceNs.name]) await core.deleteNamespace({ name: ns }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What apply does before the runner: every hub object, namespaces first, the pull secret filled. */
export async function applyHubObjects(kubeConfig: KubeConfig, dist: string): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const objects = readHubObjects(dist);
  const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
  for (const obj of ordered) {
    const body = obj.kind === 'Secret' ? { ...obj, data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } } : obj;
    await client.patch(body as KubernetesObject, undefined, undefined, 'assisted-swarm-test', true, PatchStrategy.ServerSideApply);
  }
}

/** Every container of the swarm, by name. */
export async function swarmContainers(docker: Docker, name: string) {
  return docker.listContainers({ all: true, filters: { label: Object.entries(swarmLabels(name)).map(([k, v]) => `${k}=${v}`) } });
}
