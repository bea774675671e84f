// Every object of the default dist/ (`npm run synth`) is accepted by the real API server with
// server-side apply, and applying it all a second time changes nothing. Objects this test
// created are deleted at the end; ones that were already there are left alone.
// Two things `apply` and a real hub provide are provided here the same way:
// - a pull-secret Secret carries only an annotation saying where its value comes from
//   (lib/constructs/pull-secret.ts); `apply` fills `.dockerconfigjson`, so does this test;
// - namespaces that objects use but dist/ does not define (the service's own) exist on a hub.
// ASSISTED_SWARM_TEST_DIST_DIR points it at another folder of YAML (default: dist/hub).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, deleteNamespace, hub } from './support/hub.ts';

const FIELD_MANAGER = 'assisted-swarm-test';
const distDir = process.env.ASSISTED_SWARM_TEST_DIST_DIR ?? join(REPO_ROOT, 'dist/hub');

/** All objects of dir/*.yaml, Namespaces first so that namespaced objects find theirs. */
function loadObjects(dir: string): KubernetesObject[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
  const objects = files.flatMap((f) =>
    parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((doc) => {
      if (doc.errors.length) throw new Error(`${f}: ${doc.errors[0].message}`);
      return doc.toJS() as KubernetesObject | null;
    }),
  );
  const real = objects.filter((o): o is KubernetesObject => o != null);
  return [...real.filter((o) => o.kind === 'Namespace'), ...real.filter((o) => o.kind !== 'Namespace')];
}

const PULL_SECRET_FROM = 'assisted-swarm.io/pull-secret-from';
const FAKE_PULL_SECRET = Buffer.from('{"auths":{"registry.invalid":{"auth":"dGVzdDp0ZXN0"}}}').toString('base64');

/** What `apply` does to a pull-secret Secret, with a fake value. */
function fillPullSecret(o: KubernetesObject): KubernetesObject {
  if (o.kind !== 'Secret' || !o.metadata?.annotations?.[PULL_SECRET_FROM]) return o;
  return { ...o, data: { '.dockerconfigjson': FAKE_PULL_SECRET } } as KubernetesObject;
}

const id = (o: KubernetesObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

const h = await hub();
const api = KubernetesObjectApi.makeApiClient(h.kubeConfig);
const objects = loadObjects(distDir).map(fillPullSecret);
const created: KubernetesObject[] = [];

/** Namespaces that objects use but dist/ does not define: they belong to the hub. */
const hubNamespaces = [...new Set(objects.map((o) => o.metadata?.namespace).filter((n): n is string => !!n))]
  .filter((n) => !objects.some((o) => o.kind === 'Namespace' && o.metadata?.name === n))
  .map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubernetesObject);

const apply = (o: KubernetesObject) =>
  api.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);

test.after(async () => {
  const namespaces = created.filter((o) => o.kind === 'Namespace');
  for (const o of created.reverse()) {
    if (o.kind !== 'Namespace') await api.delete(o).catch((e) => { if (e.code !== 404) throw e; });
  }
  // In parallel: each takes the controller-manager a few seconds.
  await Promise.all(namespaces.map((o) => deleteNamespace(h.kubeConfig, o.metadata!.name!)));
});

test(`${distDir} has objects`, () => {
  assert.ok(objects.length > 0, `no objects in ${distDir}/*.yaml: run \`npm run synth\` first`);
  const kinds = new Set(objects.map((o) => o.kind));
  assert.ok(kinds.has('Namespace'), `no Namespace among ${[...kinds].join(', ')}`);
});

test('the server accepts every object with server-side apply; a second apply changes nothing', async () => {
  const versions = new Map<string, string>();
  const refused: string[] = []; // all of them, not just the first, to fix them in one go
  for (const ns of hubNamespaces) {
    const missing = await api.read(ns as never).then(() => false, (e) => (e.code === 404 ? true : Promise.reject(e)));
    if (missing) created.push(await api.create(ns));
  }
  for (const o of objects) {
    const existed = await api.read(o as never).then(() => true, (e) => (e.code === 404 ? false : Promise.reject(e)));
    try {
      const applied = await apply(o);
      if (!existed) created.push(o);
      assert.ok(applied.metadata?.uid, `${id(o)}: no uid in the apply response`);
      versions.set(id(o), applied.metadata!.resourceVersion!);
    } catch (e) {
      const body = (e as { body?: unknown }).body;
      refused.push(`${id(o)}: ${(typeof body === 'string' && JSON.parse(body).message) || e}`);
    }
  }
  assert.is(refused.length, 0, `the server refused:\n  ${refused.join('\n  ')}\n`);
  for (const o of objects) {
    const again = await apply(o);
    assert.is(again.metadata?.resourceVersion, versions.get(id(o)), `${id(o)} changed on the second apply`);
  }
});

test.run();
