// The hub enforces the CRDs' schemas: an object that breaks one is refused with a message
// naming the broken field. A valid twin of each object is accepted, so a refusal cannot come
// from anything but the broken field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { hub, uniqueNamespace } from './support/hub.ts';

const h = await hub();
const api = KubernetesObjectApi.makeApiClient(h.kubeConfig);
const ns = await uniqueNamespace('schema');

function agentClusterInstall(name: string, provisionRequirements?: object): KubernetesObject {
  return {
    apiVersion: 'extensions.hive.openshift.io/v1beta1',
    kind: 'AgentClusterInstall',
    metadata: { name, namespace: ns.name },
    spec: {
      clusterDeploymentRef: { name },
      imageSetRef: { name: 'openshift-v4.16' },
      networking: { machineNetwork: [{ cidr: '192.168.126.0/24' }] },
      ...(provisionRequirements && { provisionRequirements }),
    },
  } as KubernetesObject;
}

/** Creates the object and returns the server's refusal message; fails if it was accepted. */
async function refusal(obj: KubernetesObject): Promise<string> {
  try {
    await api.create(obj);
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    assert.is(err.code, 422, `expected 422 Unprocessable Entity, got ${err.code}: ${String(e)}`);
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return (body as { message: string }).message;
  }
  assert.unreachable(`${obj.kind} ${obj.metadata?.name} was accepted`);
  return '';
}

test.after(() => ns.cleanup());

test('a valid AgentClusterInstall is accepted', async () => {
  const created = await api.create(agentClusterInstall('valid', { controlPlaneAgents: 1 }));
  assert.ok(created.metadata?.uid);
});

test('an AgentClusterInstall without spec.provisionRequirements is refused', async () => {
  const message = await refusal(agentClusterInstall('no-requirements'));
  assert.match(message, 'AgentClusterInstall.extensions.hive.openshift.io "no-requirements" is invalid');
  assert.match(message, 'spec.provisionRequirements: Required value');
});

test('an AgentClusterInstall with a negative workerAgents is refused', async () => {
  const message = await refusal(agentClusterInstall('negative', { controlPlaneAgents: 3, workerAgents: -1 }));
  assert.match(message, /spec\.provisionRequirements\.workerAgents: Invalid value: -1: .*greater than or equal to 0/);
});

test('an Agent whose "approved" is not a boolean is refused', async () => {
  const agent = (approved: unknown): KubernetesObject =>
    ({
      apiVersion: 'agent-install.openshift.io/v1beta1',
      kind: 'Agent',
      metadata: { name: `agent-${typeof approved}`, namespace: ns.name },
      spec: { approved, role: 'worker' },
    }) as KubernetesObject;
  await api.create(agent(true));
  const message = await refusal(agent('yes'));
  assert.match(message, /spec\.approved: Invalid value: "string": spec\.approved in body must be of type boolean/);
});

test.run();
