// AUTH_TYPE=local end to end: each agent gets its infra-env's token from the ignition as
// PULL_SECRET_TOKEN, the controller its cluster's token, the cluster installs, and no token
// appears in the runner's output, its report or dist/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL } from '../lib/swarm/labels.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({ prefix: 'local', auth: 'local', clusters: [{ name: 'sno', topology: 'single-node' }, { name: 'late', topology: 'single-node', hostsFrom: 'pool' }], pools: [{ name: 'pool', hosts: 1 }] });
});
test.after(async () => { await swarm?.cleanup(); });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('under local auth the tokens reach the containers and nothing else', async () => {
  const { out, ...result } = await swarm.run();
  assert.is(result.endReason, 'done', out);
  assert.is(result.exitCode, 0, out);
  assert.ok(swarm.standIn.calls.unauthorized === 0, 'every call to the service carried its token');

  const tokens = swarm.standIn.tokens();
  assert.is(tokens.length, 4, 'two infra-envs and two clusters');
  for (const c of await swarmContainers(swarm.docker, swarm.name)) {
    const env = (await swarm.docker.getContainer(c.Id).inspect()).Config.Env;
    const token = env.find((e) => e.startsWith('PULL_SECRET_TOKEN='))?.slice('PULL_SECRET_TOKEN='.length);
    assert.ok(token && tokens.includes(token), `${c.Names[0]} (${c.Labels[LABEL.component]}) has no token of the service`);
  }
  const texts = [out, ...filesUnder(result.reportDir).map((f) => readFileSync(f, 'utf8')), ...filesUnder(swarm.dist).map((f) => readFileSync(f, 'utf8'))];
  for (const token of tokens) for (const text of texts) assert.not.ok(text.includes(token), 'a token leaked');
});

test.run();
