// What every fake host's and controller's processes get in their environment besides their
// identity: the Go runtime's settings of runtime.go (GOMAXPROCS, GOGC, GOMEMLIMIT; null leaves
// Go's default), then runtime.hostEnv, which may override them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../lib/config/load.ts';
import type { SwarmConfigInput } from '../lib/config/schema.ts';
import { controllerContainer, fakeHostContainer } from '../lib/swarm/containers.ts';
import { expandSwarm } from '../lib/swarm/expand.ts';

function envs(runtime: SwarmConfigInput['runtime'] = {}) {
  const swarm = expandSwarm(validateConfig({ name: 'env', runtime, clusters: [{ name: 'sno', topology: 'single-node' }] }));
  const cluster = swarm.clusters[0]!;
  return { host: fakeHostContainer(swarm, cluster.hosts[0]!, cluster).env, controller: controllerContainer(swarm, cluster).env };
}
const go = (env: Record<string, string>) => ({ GOMAXPROCS: env.GOMAXPROCS, GOGC: env.GOGC, GOMEMLIMIT: env.GOMEMLIMIT });

test('by default one processor and GOGC=50, for the hosts and the controllers alike', () => {
  const { host, controller } = envs();
  assert.equal(go(host), { GOMAXPROCS: '1', GOGC: '50', GOMEMLIMIT: undefined });
  assert.equal(go(controller), go(host));
  assert.is(host.DRY_ENABLE, 'true');
});

test('null leaves Go its default; a memory limit and a collector off are spelled as Go wants them', () => {
  assert.equal(go(envs({ go: { maxProcs: null, gcPercent: null } }).host), { GOMAXPROCS: undefined, GOGC: undefined, GOMEMLIMIT: undefined });
  assert.equal(go(envs({ go: { gcPercent: -1, memoryLimitMiB: 48 } }).host), { GOMAXPROCS: '1', GOGC: 'off', GOMEMLIMIT: '48MiB' });
});

test('runtime.hostEnv comes last: it adds, and overrides runtime.go', () => {
  const { host, controller } = envs({ hostEnv: { GOGC: '80', LOG_LEVEL: 'debug' } });
  assert.equal([host.GOGC, host.LOG_LEVEL, host.GOMAXPROCS], ['80', 'debug', '1']);
  assert.is(controller.LOG_LEVEL, undefined, 'hostEnv is the fake hosts\'');
});

test('a changed Go setting is a changed container (its spec hash)', () => {
  const a = expandSwarm(validateConfig({ name: 'env', clusters: [{ name: 'sno', topology: 'single-node' }] }));
  const b = expandSwarm(validateConfig({ name: 'env', runtime: { go: { gcPercent: 100 } }, clusters: [{ name: 'sno', topology: 'single-node' }] }));
  const hash = (s: typeof a) => fakeHostContainer(s, s.clusters[0]!.hosts[0]!, s.clusters[0]!).labels['assisted-swarm.io/spec-hash'];
  assert.is.not(hash(a), hash(b));
});

test.run();
