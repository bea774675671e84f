// The hub comes back after down.sh and up.sh with no state left from before. This runs a hub
// of its own (own dir and ports, same scripts) so that the shared hub, which other test files
// may be using right now, is not stopped under them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { REPO_ROOT, connect, hub, runHubScript } from './support/hub.ts';

const env = {
  ASSISTED_SWARM_HUB_DIR: '/tmp/assisted-swarm-hub-restart-test',
  ASSISTED_SWARM_HUB_APISERVER_PORT: '16444',
  ASSISTED_SWARM_HUB_ETCD_PORT: '23791',
  ASSISTED_SWARM_HUB_ETCD_PEER_PORT: '23801',
  ASSISTED_SWARM_HUB_KCM_PORT: '10258',
};
const crdDir = join(REPO_ROOT, 'lib/constructs/crds');
const crdNames = readdirSync(crdDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(crdDir, f), 'utf8')).metadata.name as string)
  .sort();

const established = (crd: V1CustomResourceDefinition) =>
  crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;

test.before(async () => {
  // The shared hub first: if Docker needs starting, the shared hub starts (and owns) it, so
  // this hub's down.sh must leave it running.
  await hub();
  await runHubScript('down', env); // leftovers of a crashed run
});
test.after(() => runHubScript('down', env).then(() => undefined));

test('down.sh and up.sh give a clean hub with every CRD Established', async () => {
  const first = await connect(env);
  const core = first.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'left-from-before' } } });
  assert.is((await core.readNamespace({ name: 'left-from-before' })).metadata?.name, 'left-from-before');

  await runHubScript('down', env);
  assert.not.ok(existsSync(env.ASSISTED_SWARM_HUB_DIR), 'down.sh left the hub dir behind');
  const stopped = await core.readNamespace({ name: 'left-from-before' }).then(() => 'answered', () => 'refused');
  assert.is(stopped, 'refused', 'the API server still answers after down.sh');
  // down.sh stops only what up.sh started; this hub found Docker running, so Docker stays.
  assert.ok(await first.docker.ping());

  const second = await connect(env);
  const gone = await second.kubeConfig
    .makeApiClient(CoreV1Api)
    .readNamespace({ name: 'left-from-before' })
    .then(() => undefined, (e: { code?: number }) => e);
  assert.is(gone?.code, 404, 'the namespace made before down.sh is still there');

  const crds = (await second.kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition()).items;
  assert.equal(crds.map((c) => c.metadata!.name!).sort(), crdNames);
  for (const crd of crds) assert.ok(established(crd), `${crd.metadata!.name} is not Established`);
});

test.run();
