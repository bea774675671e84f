// Test-only: a swarm of its own for a runner test, on the shared test hub: the service stand-in
// on loopback, a config pointing at it (unique name, state and report folders under a temp
// dir, the stand-in agent image), dist/ synthesized, and the hub objects applied with
// server-side apply (what `apply` does before it calls the runner). cleanup() takes it all away.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type Docker from 'dockerode';
import { validateConfig } from '../../lib/config/load.ts';
import type { SwarmConfig, SwarmConfigInput } from '../../lib/config/types.ts';
import { synthToDir } from '../../lib/constructs/synth.ts';
import { readHubObjects } from '../../lib/dist/read.ts';
import { expandSwarm } from '../../lib/swarm/expand.ts';
import { swarmLabels } from '../../lib/swarm/labels.ts';
import { hub, removeTestContainers, uniqueNamespace } from '../support/hub.ts';
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
  cleanup(): Promise<void>;
}

export interface TestSwarmOptions {
  prefix: string;
  auth?: 'none' | 'local';
  clusters?: SwarmConfigInput['clusters'];
  pools?: SwarmConfigInput['pools'];
  runtime?: Partial<NonNullable<SwarmConfigInput['runtime']>>;
  isoDownload?: SwarmConfigInput['isoDownload'];
  standIn?: Partial<Omit<StandInOptions, 'kubeConfig' | 'auth' | 'labelSelector'>>;
}

export async function testSwarm(o: TestSwarmOptions): Promise<TestSwarm> {
  const { kubeConfig, kubeconfigPath, docker } = await hub();
  const name = `${o.prefix}-${randomBytes(3).toString('hex')}`;
  const auth = o.auth ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const image = await ensureStandInImage(docker);
  const serviceNs = await uniqueNamespace('svc', kubeConfig);
  const standIn = await new ServiceStandIn({ kubeConfig, auth, labelSelector: `assisted-swarm.io/swarm=${name}`, ...o.standIn }).start();
  const config = validateConfig({
    name,
    hub: { serviceUrl: standIn.url, serviceNamespace: serviceNs.name, auth, tls: o.standIn?.tls ? { caFile: join(dir, 'ca.crt') } : {} },
    images: { swarm: image },
    clusters: o.clusters ?? [],
    pools: o.pools ?? [],
    ...(o.isoDownload ? { isoDownload: o.isoDownload } : {}),
    runtime: { stateDir: join(dir, 'state'), reportsDir: join(dir, 'reports'), memoryMiB: 32, cpus: 0.2, launchRate: 20, concurrency: 4, restartLimit: 2, timeoutMinutes: 5, progressSeconds: 5, ...o.runtime },
  });
  const dist = join(dir, 'dist');
  synthToDir(expandSwarm(config), dist);
  await applyHubObjects(kubeConfig, dist);
  const namespaces = readHubObjects(dist).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  return {
    name, config, dist, dir, kubeConfig, kubeconfigPath, docker, standIn,
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
