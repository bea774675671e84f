// Two hubs with a node on one machine (the shared hub and the e2e hub) need node ports of their
// own: up.sh --with-node of a second hub left on the first one's ports refuses, naming the
// settings, instead of taking the other hub's scheduler and kubelet for its own (and waiting
// for a node that never becomes Ready). This runs a hub of its own (own dir and hub ports).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { hubWithNode, runHubScript } from './support/hub.ts';

const env = {
  ASSISTED_SWARM_HUB_DIR: '/tmp/assisted-swarm-hub-node-ports-test',
  ASSISTED_SWARM_HUB_APISERVER_PORT: '16445',
  ASSISTED_SWARM_HUB_ETCD_PORT: '23792',
  ASSISTED_SWARM_HUB_ETCD_PEER_PORT: '23802',
  ASSISTED_SWARM_HUB_KCM_PORT: '10260',
};

test.before(async () => {
  await hubWithNode();
  await runHubScript('down', env); // leftovers of a crashed run
});
test.after(() => runHubScript('down', env).then(() => undefined));

test('a second hub\'s node on the shared hub\'s node ports is refused, naming the settings', async () => {
  const err = await runHubScript('up', env, ['--with-node']).then(() => null, (e: Error) => e);
  assert.ok(err, 'up.sh --with-node succeeded on ports another hub\'s node holds');
  assert.match(err!.message, 'kube-scheduler answers on 127.0.0.1:10259, but not the one this hub started');
  assert.match(err!.message, 'ASSISTED_SWARM_HUB_SCHEDULER_PORT');
  assert.not.ok(existsSync(`${env.ASSISTED_SWARM_HUB_DIR}/node`), 'nothing of a node was made');
});

test('with node ports of its own (as the e2e hub has them), the kubelet check names the kubelet\'s settings', async () => {
  // Its own scheduler port, the shared kubelet's: refused before anything of the node starts.
  const err = await runHubScript('up', { ...env, ASSISTED_SWARM_HUB_SCHEDULER_PORT: '10261' }, ['--with-node']).then(() => null, (e: Error) => e);
  assert.ok(err);
  assert.match(err!.message, 'a kubelet answers on 127.0.0.1:10248, but not the one this hub started');
  assert.match(err!.message, 'ASSISTED_SWARM_HUB_KUBELET_PORT, ASSISTED_SWARM_HUB_KUBELET_HEALTHZ_PORT, ASSISTED_SWARM_HUB_POD_CIDR');
  assert.not.ok(existsSync(`${env.ASSISTED_SWARM_HUB_DIR}/node`), 'nothing of a node was made');
});

test.run();
