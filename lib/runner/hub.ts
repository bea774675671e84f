// The runner's side of the hub: watches (informers: one list, then a watch, re-listed when the
// server says the watch is too old) on the swarm's InfraEnvs, Agents, AgentClusterInstalls and
// BareMetalHosts, and JSON merge patches (an Agent's spec, a BareMetalHost's status). Requests the hub refuses for a while (429, 5xx,
// connection lost) are retried with back-off.
import * as k8s from '@kubernetes/client-node';
import { UserError } from '../config/errors.ts';
import { connectionFailure, describeConnectionFailure } from '../hub/unreachable.ts';
import { noteApiError } from '../metrics/api-errors.ts';

export interface Kind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

export const INFRA_ENV: Kind = { group: 'agent-install.openshift.io', version: 'v1beta1', plural: 'infraenvs', kind: 'InfraEnv' };
export const AGENT: Kind = { group: 'agent-install.openshift.io', version: 'v1beta1', plural: 'agents', kind: 'Agent' };
export const BARE_METAL_HOST: Kind = { group: 'metal3.io', version: 'v1alpha1', plural: 'baremetalhosts', kind: 'BareMetalHost' };
export const AGENT_CLUSTER_INSTALL: Kind = { group: 'extensions.hive.openshift.io', version: 'v1beta1', plural: 'agentclusterinstalls', kind: 'AgentClusterInstall' };

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The fields of the service's CRs the runner reads, loosely typed: the service writes them. */
export interface HubObject extends k8s.KubernetesObject {
  metadata: k8s.V1ObjectMeta & { name: string; namespace: string };
  spec?: Record<string, unknown>;
  status?: {
    conditions?: Condition[];
    debugInfo?: { state?: string; stateInfo?: string; eventsURL?: string };
    progress?: { currentStage?: string; progressInfo?: string };
    /** Agents: the host the service chose to bootstrap its cluster. */
    bootstrap?: boolean;
    bootArtifacts?: { discoveryIgnitionURL?: string };
    [field: string]: unknown;
  };
}

export interface Watch {
  stop(): Promise<void>;
}

/** Watches every object of a kind carrying the label selector, in all namespaces. */
export async function watchKind(
  kubeConfig: k8s.KubeConfig,
  kind: Kind,
  labelSelector: string,
  onChange: (obj: HubObject, deleted: boolean) => void,
  onError: (err: Error) => void,
): Promise<Watch> {
  const api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const list = () => api.listClusterCustomObject({ group: kind.group, version: kind.version, plural: kind.plural, labelSelector }) as Promise<k8s.KubernetesListObject<HubObject>>;
  // Fail now, with a clear message, when the hub or the CRD is not there.
  await withRetry(`list ${kind.plural}`, list);
  const informer = k8s.makeInformer<HubObject>(kubeConfig, `/apis/${kind.group}/${kind.version}/${kind.plural}`, list, labelSelector);
  let stopped = false;
  informer.on('add', (o) => onChange(o, false));
  informer.on('update', (o) => onChange(o, false));
  informer.on('delete', (o) => onChange(o, true));
  // An informer stops on an error other than "too old"; it is started again after a pause.
  informer.on('error', (err) => {
    if (stopped) return;
    noteApiError('hub');
    onError(new Error(`watch of ${kind.plural} failed (${describe(err)}); watching again`));
    setTimeout(() => { if (!stopped) void informer.start(); }, 2000).unref();
  });
  await informer.start();
  return { stop: async () => { stopped = true; await informer.stop(); } };
}

/** A JSON merge patch of an object (its spec, or with `status` its status subresource). */
export async function mergePatch(kubeConfig: k8s.KubeConfig, kind: Kind, namespace: string, name: string, body: object, status = false): Promise<HubObject> {
  const api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  const params = { group: kind.group, version: kind.version, plural: kind.plural, namespace, name, body };
  const options = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  return withRetry(`patch ${kind.kind} ${namespace}/${name}`, () =>
    (status ? api.patchNamespacedCustomObjectStatus(params, options) : api.patchNamespacedCustomObject(params, options)) as Promise<HubObject>);
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

/** Retries what the hub refuses for a while; a 4xx (but 429) is not retried. */
export async function withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      noteApiError('hub');
      const code = (err as { code?: number | string }).code;
      const retryable = typeof code !== 'number' || code === 429 || code >= 500;
      if (!retryable || attempt >= RETRY_DELAYS_MS.length) {
        throw new UserError(`hub: cannot ${what}: ${describe(err)}`);
      }
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
    }
  }
}

function describe(err: unknown): string {
  const e = err as { code?: number | string; body?: unknown; message?: string };
  if (typeof e.code === 'number' && e.body) {
    const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    const message = (body as { message?: string } | undefined)?.message;
    if (message) return `${e.code}: ${message}`;
  }
  const failure = connectionFailure(err);
  return failure ? describeConnectionFailure(failure) : e.message?.split('\n')[0] ?? String(err);
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return { message: text.slice(0, 200) }; }
}

export function condition(obj: HubObject | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}
