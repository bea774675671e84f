// The hub's kube-controller-manager does what a real hub's does for custom resources: a deleted
// namespace is emptied and goes away, and an object whose owner is deleted is garbage-collected.
// Without it, a deleted namespace stays Terminating and dependents outlive their owners.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { deleteNamespace, hub, uniqueNamespace, waitUntilGone } from './support/hub.ts';

const h = await hub();
const api = KubernetesObjectApi.makeApiClient(h.kubeConfig);
const core = h.kubeConfig.makeApiClient(CoreV1Api);

const infraEnv = (namespace: string, name: string): KubernetesObject =>
  ({
    apiVersion: 'agent-install.openshift.io/v1beta1',
    kind: 'InfraEnv',
    metadata: { name, namespace },
    spec: { pullSecretRef: { name: 'pull-secret' } },
  }) as KubernetesObject;

/** An Agent as the service makes them: owned by the InfraEnv it registered through. */
const agent = (namespace: string, name: string, owner?: KubernetesObject): KubernetesObject =>
  ({
    apiVersion: 'agent-install.openshift.io/v1beta1',
    kind: 'Agent',
    metadata: {
      name,
      namespace,
      ...(owner && {
        ownerReferences: [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid! }],
      }),
    },
    spec: { approved: false, role: '' },
  }) as KubernetesObject;

/** The objects of these kinds that the server still stores in a namespace. */
async function left(namespace: string): Promise<string[]> {
  const kinds = [
    ['agent-install.openshift.io/v1beta1', 'InfraEnv'],
    ['agent-install.openshift.io/v1beta1', 'Agent'],
    ['v1', 'Secret'],
  ];
  const names = await Promise.all(
    kinds.map(async ([apiVersion, kind]) =>
      (await api.list(apiVersion, kind, namespace)).items.map((o) => `${kind} ${o.metadata?.name}`),
    ),
  );
  return names.flat();
}

test('a deleted namespace with custom resources in it goes away, and its objects with it', async () => {
  const ns = await uniqueNamespace('ns-delete');
  await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'pull-secret' } } });
  const env = await api.create(infraEnv(ns.name, 'env'));
  await api.create(agent(ns.name, 'host-0', env));
  await api.create(agent(ns.name, 'host-1'));
  assert.equal((await left(ns.name)).sort(), ['Agent host-0', 'Agent host-1', 'InfraEnv env', 'Secret pull-secret']);

  await deleteNamespace(h.kubeConfig, ns.name);
  const gone = await core.readNamespace({ name: ns.name }).then(() => 0, (e: { code?: number }) => e.code);
  assert.is(gone, 404, `namespace ${ns.name} is still there`);
  // Had the namespace only lost its finalizer, these would still be stored.
  assert.equal(await left(ns.name), []);
});

test('an object whose owner is deleted is garbage-collected; one without that owner stays', async () => {
  const ns = await uniqueNamespace('gc');
  try {
    const owner = await api.create(infraEnv(ns.name, 'owner'));
    const dependent = await api.create(agent(ns.name, 'dependent', owner));
    const bystander = await api.create(agent(ns.name, 'bystander'));

    await api.delete(owner);
    await waitUntilGone('the Agent owned by the deleted InfraEnv', () => api.read(dependent as never));
    assert.is((await api.read(bystander as never)).metadata?.uid, bystander.metadata?.uid, 'the unowned Agent went too');
  } finally {
    await ns.cleanup();
  }
});

test.run();
