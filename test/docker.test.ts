// A container made through dockerode the way the swarm makes its agents: host networking,
// labels, env. The container serves its env over HTTP on a loopback port, so fetching it from
// here proves it runs, sees its env, and shares the host's network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { hub, labelFilter, removeTestContainers, testLabels } from './support/hub.ts';
import { ensureTinyImage } from './support/images.ts';

const { docker } = await hub();
const labels = testLabels();

/** A loopback port that is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** GETs the URL until it answers (the container needs a moment to start). */
async function fetchWhenUp(url: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return await res.text();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.after(() => removeTestContainers(docker, labels).then(() => undefined));

test('a host-network container with labels and env runs, is found by label, and is removed', async () => {
  const image = await ensureTinyImage(docker);
  const port = await freePort();
  const greeting = `hello-${labels['assisted-swarm.io/test-id']}`;
  const container = await docker.createContainer({
    Image: image,
    Labels: labels,
    Env: [`GREETING=${greeting}`, `PORT=${port}`],
    Cmd: ['sh', '-c', 'mkdir -p /www && echo "$GREETING" >/www/index.html && exec httpd -f -p "127.0.0.1:$PORT" -h /www'],
    HostConfig: { NetworkMode: 'host' },
  });
  await container.start();

  assert.is((await fetchWhenUp(`http://127.0.0.1:${port}/`)).trim(), greeting);
  const info = await container.inspect();
  assert.ok(info.State.Running);
  assert.is(info.HostConfig.NetworkMode, 'host');

  const found = await docker.listContainers({ all: true, filters: labelFilter(labels) });
  assert.equal(found.map((c) => c.Id), [container.id]);
  assert.equal(found[0].Labels, labels);

  // Another test's labels do not match this container.
  const others = await docker.listContainers({ all: true, filters: labelFilter(testLabels()) });
  assert.is(others.length, 0);

  await container.remove({ force: true });
  assert.is((await docker.listContainers({ all: true, filters: labelFilter(labels) })).length, 0);
  const gone = await container.inspect().then(() => undefined, (e: { statusCode?: number }) => e);
  assert.is(gone?.statusCode, 404, 'the container still exists after remove');
});

test.run();
