// The hub client (lib/hub) against the real test hub, directly and through a fault-injecting
// proxy: server-side apply as `assisted-swarm`, conflicts naming the other field manager,
// paged lists by label, retries on 500/429/dropped connections, a clear end when the hub
// stays down, no retry of a refusal, a bound on requests in flight, and the kubeconfig choice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../lib/config/errors.ts';
import type { KubeObject } from '../lib/dist/types.ts';
import { FIELD_MANAGER, HubClient } from '../lib/hub/client.ts';
import { ConflictError, HUB_UNAVAILABLE_EXIT, HubUnavailableError } from '../lib/hub/errors.ts';
import { describeKubeConfig, loadKubeConfig } from '../lib/hub/kubeconfig.ts';
import { hub, uniqueNamespace } from './support/hub.ts';
import { startFaultProxy } from './support/fault-proxy.ts';

const h = await hub();
const ns = await uniqueNamespace('hubclient');
const direct = new HubClient(describeKubeConfig(h.kubeConfig, h.kubeconfigPath));
const proxy = await startFaultProxy(h.kubeConfig);
const viaProxy = (options: ConstructorParameters<typeof HubClient>[1] = {}) =>
  new HubClient(loadKubeConfig({ kubeconfig: proxy.kubeconfigPath }), { log: () => {}, ...options });

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns.name, ...(Object.keys(labels).length ? { labels } : {}) }, data });

test.after(async () => {
  await proxy.close();
  await ns.cleanup();
});

test('apply is server-side, as field manager assisted-swarm; get, list by label (paged) and delete', async () => {
  const applied = await direct.apply(configMap('one', { a: '1' }, { group: 'g' }));
  const managers = (applied.metadata as unknown as { managedFields: { manager: string; operation: string }[] }).managedFields;
  assert.equal(managers.map((m) => [m.manager, m.operation]), [[FIELD_MANAGER, 'Apply']]);
  for (const n of ['two', 'three', 'four', 'five']) await direct.apply(configMap(n, { a: n }, { group: 'g' }));
  await direct.apply(configMap('other', { a: 'x' }, { group: 'h' }));

  const listed = await direct.list('v1', 'ConfigMap', { labelSelector: 'group=g', pageSize: 2 });
  assert.equal(listed.map((o) => o.metadata.name).sort(), ['five', 'four', 'one', 'three', 'two']);
  assert.ok(listed.every((o) => o.kind === 'ConfigMap' && o.apiVersion === 'v1'), 'list items carry kind and apiVersion');
  assert.type((listed[0]!.metadata as { creationTimestamp?: unknown }).creationTimestamp, 'string', 'plain JSON, no Date objects');

  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: ns.name };
  assert.equal((await direct.get(ref))?.data, { a: '1' });
  assert.is(await direct.delete(ref), true);
  assert.is(await direct.get(ref), null);
  assert.is(await direct.delete(ref), false, 'deleting what is gone is no error');
});

test('a conflict names the other field manager and the field; --force-conflicts takes it over', async () => {
  const other = new HubClient(describeKubeConfig(h.kubeConfig), { fieldManager: 'someone-else' });
  await other.apply(configMap('contested', { a: 'theirs' }));
  try {
    await direct.apply(configMap('contested', { a: 'ours' }));
    assert.unreachable('apply should have been refused');
  } catch (err) {
    assert.instance(err, ConflictError);
    const e = err as ConflictError;
    assert.equal(e.conflicts, [{ manager: 'someone-else', field: '.data.a' }]);
    assert.match(e.message, '"someone-else"');
    assert.match(e.message, '--force-conflicts');
  }
  const dry = await direct.apply(configMap('contested', { a: 'ours' }), { dryRun: true, force: true });
  assert.equal(dry.data, { a: 'ours' });
  assert.equal((await direct.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'contested', namespace: ns.name }))?.data, { a: 'theirs' }, 'a dry run stores nothing');
  await direct.apply(configMap('contested', { a: 'ours' }), { force: true });
  assert.equal((await direct.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'contested', namespace: ns.name }))?.data, { a: 'ours' });
});

test('500s, 429s and dropped connections are retried until the hub answers', async () => {
  const client = viaProxy({ retry: { baseDelayMs: 20, maxDelayMs: 200 } });
  const before = proxy.faulted;
  proxy.inject(3, { status: 500 });
  proxy.inject(2, { status: 429, retryAfter: 0 });
  proxy.inject(1, { status: 503 });
  proxy.inject(2, { reset: true });
  await client.apply(configMap('through-faults', { a: '1' }));
  assert.is(proxy.faulted - before, 8, 'every injected fault was met');
  assert.equal((await direct.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'through-faults', namespace: ns.name }))?.data, { a: '1' });
});

test('a refusal (4xx) is not retried and says what the server said', async () => {
  const client = viaProxy();
  const passed = proxy.passed;
  const bad = { apiVersion: 'hive.openshift.io/v1', kind: 'ClusterImageSet', metadata: { name: `${ns.name}-bad` }, spec: {} } as KubeObject;
  await client.ping();
  const passedAfterPing = proxy.passed;
  try {
    await client.apply(bad);
    assert.unreachable('an invalid object should be refused');
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, /^apply ClusterImageSet .*-bad: the hub refused: 422 Invalid: /);
    assert.match((err as Error).message, 'releaseImage');
  }
  // Discovery of the kind's API group may take one request more; the apply is sent once.
  assert.ok(proxy.passed - passedAfterPing <= 2, `sent ${proxy.passed - passedAfterPing} requests`);
  assert.ok(passedAfterPing > passed);
});

test('a kind the hub does not serve is said so', async () => {
  const err = await direct.apply({ apiVersion: 'nothing.example.com/v1', kind: 'Nothing', metadata: { name: 'x' } }).catch((e) => e);
  assert.instance(err, UserError);
  assert.match(err.message, 'the hub does not serve this kind');
});

test('a hub that stays down ends the request with HubUnavailableError (exit code 3) after the retry budget', async () => {
  // A proxy's kubeconfig, the proxy gone: the same credentials, a port where nothing listens.
  const dead = await startFaultProxy(h.kubeConfig);
  const deadConfig = loadKubeConfig({ kubeconfig: dead.kubeconfigPath });
  await dead.close();
  const client = new HubClient(deadConfig, { retry: { retryForMs: 1500, baseDelayMs: 50, maxDelayMs: 200 }, log: () => {} });
  const err = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: ns.name }).catch((e) => e);
  assert.instance(err, HubUnavailableError);
  assert.is((err as HubUnavailableError).exitCode, HUB_UNAVAILABLE_EXIT);
  assert.match(err.message, /the hub kept failing for \d+ s \(last: .*ECONNREFUSED/);
});

test('no more requests than maxInFlight are in flight at once', async () => {
  const fresh = await startFaultProxy(h.kubeConfig);
  try {
    const bounded = new HubClient(loadKubeConfig({ kubeconfig: fresh.kubeconfigPath }), { maxInFlight: 3 });
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: ns.name };
    await Promise.all(Array.from({ length: 40 }, () => bounded.get(ref)));
    assert.ok(fresh.maxInFlight <= 3, `${fresh.maxInFlight} requests were in flight at once`);
    assert.ok(fresh.passed >= 40, `${fresh.passed} requests reached the API server`);
  } finally {
    await fresh.close();
  }
});

test('kubeconfig: --kubeconfig, then the config\'s hub.kubeconfig, then $KUBECONFIG; clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-choice-'));
  const write = (name: string, server: string) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server, skipTLSVerify: false }],
      users: [{ name: 'u', token: 'not-a-real-token' }],
      contexts: [{ name: `ctx-${name}`, cluster: 'c', user: 'u' }, { name: 'spare', cluster: 'c', user: 'u' }],
      currentContext: `ctx-${name}`,
    });
    const path = join(dir, name);
    writeFileSync(path, kc.exportConfig());
    return path;
  };
  const flag = write('flag', 'https://127.0.0.1:1');
  const fromConfig = write('config', 'https://127.0.0.1:2');
  const fromEnv = write('env', 'https://127.0.0.1:3');
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = fromEnv;
  try {
    assert.is(loadKubeConfig({ kubeconfig: flag }, { kubeconfig: fromConfig }).server, 'https://127.0.0.1:1');
    assert.is(loadKubeConfig({}, { kubeconfig: fromConfig }).server, 'https://127.0.0.1:2');
    assert.is(loadKubeConfig({}, {}).server, 'https://127.0.0.1:3');
    assert.is(loadKubeConfig({ context: 'spare' }, {}).context, 'spare');
    assert.is(loadKubeConfig({}, { context: 'spare' }).context, 'spare');
    assert.throws(() => loadKubeConfig({ context: 'nope' }), (e: Error) => e instanceof UserError && /no context "nope" \(contexts: ctx-env, spare\)/.test(e.message));
    assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') }), (e: Error) => e instanceof UserError && e.message.includes(`no kubeconfig at ${join(dir, 'missing')} (from --kubeconfig)`));
    writeFileSync(join(dir, 'garbage'), '{{{ not yaml');
    assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'garbage') }), (e: Error) => e instanceof UserError && e.message.startsWith('cannot read kubeconfig'));
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

test.run();
