// Bad input to the runner: an engine that is down, launch plans of another swarm. A clear
// message, a non-zero exit (a UserError), and nothing made.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/config/errors.ts';
import { openEngines } from '../lib/engine/pool.ts';
import { executeRun } from '../lib/runner/run.ts';
import { swarmContainers, testSwarm, type TestSwarm } from './stand-in/swarm.ts';

let swarm: TestSwarm;
test.before(async () => {
  swarm = await testSwarm({ prefix: 'errors', clusters: [{ name: 'sno', topology: 'single-node' }] });
});
test.after(async () => { await swarm?.cleanup(); });

test('an engine that does not answer stops the run before anything is made', async () => {
  const engines = openEngines([`unix://${join(swarm.dir, 'no-docker.sock')}`]);
  const err = await executeRun({ dist: swarm.dist, config: swarm.config, kubeConfig: swarm.kubeConfig, engines, output: { write: () => {} } }).then(() => null, (e: Error) => e);
  assert.ok(err instanceof UserError, String(err));
  assert.match(err.message, /no-docker\.sock: the container engine does not answer/);
  assert.is((await swarmContainers(swarm.docker, swarm.name)).length, 0);
  assert.not.ok(existsSync(join(swarm.dir, 'state')), 'no files were written');
});

test('launch plans of another swarm are refused', async () => {
  const err = await executeRun({ dist: swarm.dist, config: { ...swarm.config, name: 'someone-else' }, kubeConfig: swarm.kubeConfig, output: { write: () => {} } }).then(() => null, (e: Error) => e);
  assert.ok(err instanceof UserError);
  assert.match(err.message, /holds swarm "errors-[0-9a-f]+", not "someone-else": run `npm run synth`/);
});

test.run();
