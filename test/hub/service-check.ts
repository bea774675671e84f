// The test hub's assisted-service end to end, for the e2e suite (it needs the service's image,
// so npm test does not run it). Brings the hub up with the service, then for AUTH_TYPE none and
// local, set the way a swarm sets it (its service-tuning ConfigMap, named by the AgentServiceConfig
// annotation, then `service.sh restart` as the operator's rollout), applies the default swarm's
// single-node cluster sno-1 (dist/hub) and checks that the service processes it: InfraEnv
// ImageCreated with its URLs, the discovery ignition's agent.service, the AgentClusterInstall's
// conditions. Prints what it saw as YAML (tokens redacted); deletes what it applied; leaves
// the service running with AUTH_TYPE none. Exits non-zero on the first failed check.
// Usage: npx tsx test/hub/service-check.ts   (hub settings from the environment, as for up.sh)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT, connect, deleteNamespace, readEnvFile, runHubScript, waitFor } from '../support/hub.ts';

const CONFIGMAP_ANNOTATION = 'unsupported.agent-install.openshift.io/assisted-service-configmap';
const FAKE_PULL_SECRET = Buffer.from('{"auths":{"quay.io":{"auth":"eDp5"}}}').toString('base64');
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ASSISTED_SWARM_'))) as Record<string, string>;

type Obj = KubernetesObject & { spec?: Record<string, unknown>; data?: Record<string, string>; status?: any };
const load = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, 'dist/hub', file), 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o != null);
const swarm = load('swarm.k8s.yaml');
const imageSet = swarm.find((o) => o.kind === 'ClusterImageSet')!;
const tuning = swarm.find((o) => o.kind === 'ConfigMap')!;
const cluster = load('cluster-sno-1.k8s.yaml').map((o) =>
  o.kind === 'Secret' ? { ...o, data: { '.dockerconfigjson': FAKE_PULL_SECRET } } : o,
);
const namespace = cluster.find((o) => o.kind === 'Namespace')!.metadata!.name!;
const named = (kind: string) => cluster.find((o) => o.kind === kind)!;

// Tokens (JWTs under AUTH_TYPE local) appear in URLs' api_key, in paths (byapikey/<token>) and in
// agent.service: none of them is printed.
const redact = (text: string) =>
  text
    .replace(/api_key=[^&"\s]+/g, 'api_key=<redacted>')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<redacted-token>')
    .replace(/PULL_SECRET_TOKEN=\S+/g, 'PULL_SECRET_TOKEN=<redacted>');
const show = (title: string, value: unknown) =>
  console.log(`--- ${title}\n${redact(typeof value === 'string' ? value : stringify(value))}`);

const h = await connect(env, ['--with-service']);
const serviceUrl = readEnvFile(join(h.dir, 'env')).ASSISTED_SWARM_HUB_SERVICE_URL;
assert.ok(serviceUrl, 'up.sh --with-service wrote no ASSISTED_SWARM_HUB_SERVICE_URL');
const api = KubernetesObjectApi.makeApiClient(h.kubeConfig);
const apply = (o: KubernetesObject) =>
  api.patch(o, undefined, undefined, 'assisted-swarm-service-check', true, PatchStrategy.ServerSideApply);
const read = (o: KubernetesObject) => api.read(o as never) as Promise<Obj>;
const ascAnnotation = (value: string | null) =>
  api.patch(
    { apiVersion: 'agent-install.openshift.io/v1beta1', kind: 'AgentServiceConfig', metadata: { name: 'agent', annotations: { [CONFIGMAP_ANNOTATION]: value } } } as never,
    undefined, undefined, 'assisted-swarm-service-check', undefined, PatchStrategy.MergePatch,
  );

/** The service container's value of one variable (the env holds secrets: nothing else is read). */
async function serviceEnv(name: string): Promise<string | undefined> {
  const [c] = await h.docker.listContainers({ filters: { label: [`assisted-swarm.io/hub-service=${h.dir}`] } });
  assert.ok(c, 'no service container');
  const info = await h.docker.getContainer(c.Id).inspect();
  return info.Config.Env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function check(auth: 'none' | 'local') {
  console.log(`\n=== AUTH_TYPE ${auth}`);
  await apply({ ...tuning, data: { ...tuning.data, AUTH_TYPE: auth } } as KubernetesObject);
  await ascAnnotation(tuning.metadata!.name!);
  await runHubScript('service', env, ['restart']);
  assert.equal(await serviceEnv('AUTH_TYPE'), auth, 'the restarted service did not take AUTH_TYPE from the ConfigMap');
  assert.equal(await serviceEnv('AGENT_DOCKER_IMAGE'), tuning.data!.AGENT_DOCKER_IMAGE);

  await apply(imageSet);
  for (const o of cluster) await apply(o);

  const infraEnv = await waitFor(
    'InfraEnv ImageCreated True with a discovery ignition URL',
    async () => {
      const ie = await read(named('InfraEnv'));
      const created = ie.status?.conditions?.some((c: any) => c.type === 'ImageCreated' && c.status === 'True');
      return created && ie.status.bootArtifacts?.discoveryIgnitionURL && ie.status.debugInfo?.eventsURL ? ie : undefined;
    },
    async () => (await read(named('InfraEnv'))).status,
  );
  const aci = await waitFor(
    'AgentClusterInstall SpecSynced True with a state',
    async () => {
      const o = await read(named('AgentClusterInstall'));
      const synced = o.status?.conditions?.some((c: any) => c.type === 'SpecSynced' && c.status === 'True');
      return synced && o.status.debugInfo?.state ? o : undefined;
    },
    async () => (await read(named('AgentClusterInstall'))).status,
  );
  show(`InfraEnv ${namespace}/sno-1 status`, infraEnv.status);
  show(`AgentClusterInstall ${namespace}/sno-1 status`, aci.status);

  const { discoveryIgnitionURL } = infraEnv.status.bootArtifacts;
  const id = /infra_env_id=([0-9a-f-]{36})/.exec(infraEnv.status.debugInfo.eventsURL)?.[1];
  assert.ok(id, `no infra_env_id in ${redact(infraEnv.status.debugInfo.eventsURL)}`);
  assert.equal(new URL(discoveryIgnitionURL).searchParams.has('api_key'), auth === 'local', 'api_key in the ignition URL');
  const res = await fetch(discoveryIgnitionURL);
  assert.equal(res.status, 200, `GET discovery ignition: ${res.status}`);
  const ignition = (await res.json()) as { systemd: { units: { name: string; contents?: string }[] } };
  const unit = ignition.systemd.units.find((u) => u.name === 'agent.service')?.contents ?? '';
  const lines = unit.split('\n').filter((l) => /^(ExecStart=|Environment=PULL_SECRET_TOKEN)/.test(l));
  show('discovery ignition, agent.service', lines.join('\n'));
  const execStart = lines.find((l) => l.startsWith('ExecStart='));
  assert.match(execStart ?? '', new RegExp(`--url ${serviceUrl} --infra-env-id ${id} --agent-version \\S+ --insecure=true`));
  assert.equal(lines.some((l) => l.startsWith('Environment=PULL_SECRET_TOKEN=')), auth === 'local', 'PULL_SECRET_TOKEN in agent.service');
  if (auth === 'local') {
    const url = new URL(discoveryIgnitionURL);
    url.searchParams.delete('api_key');
    assert.equal((await fetch(url)).status, 401, 'the ignition without api_key was not refused');
  }

  // The service removes its finalizers from the deleted objects; the namespace then goes.
  await deleteNamespace(h.kubeConfig, namespace);
  await api.delete(imageSet).catch((e) => { if (e.code !== 404) throw e; });
}

try {
  await check('none');
  await check('local');
} finally {
  await ascAnnotation(null).catch(() => undefined);
  await api.delete(tuning).catch(() => undefined);
}
await runHubScript('service', env, ['restart']);
console.log('\nservice check passed: AUTH_TYPE none and local');
