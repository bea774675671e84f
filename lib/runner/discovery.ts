// Step 4: for every InfraEnv the hosts boot from, wait (watching, not polling) until the service
// has processed it (condition ImageCreated=True, status.debugInfo.eventsURL), learn its
// infra-env id and ISO URL, download its discovery ignition from the REST API and read from it
// how the agent starts. Hosts of an InfraEnv whose ignition can't be had fail with the reason.
import type { SwarmConfig } from '../config/types.ts';
import { condition, INFRA_ENV, watchKind, type HubObject, type Watch } from './hub.ts';
import { agentLaunchFrom, type AgentLaunch } from './ignition.ts';
import { discoveryIgnitionUrl, getText, queryParam, ServiceError } from './service-api.ts';
import { refKey } from './plan.ts';
import type { RunContext } from './context.ts';
import { swarmSelector } from '../swarm/labels.ts';

interface Pending {
  resolve(launch: AgentLaunch): void;
  reject(err: Error): void;
  fetching: boolean;
  /** What the InfraEnv said last, for the message when it never gets ready. */
  lastSeen: string;
}

/** Fills ctx.launches with one promise per InfraEnv and watches until each is settled. */
export async function discoverAgents(ctx: RunContext): Promise<Watch> {
  const pending = new Map<string, Pending>();
  for (const ref of ctx.plan.infraEnvs) {
    const key = refKey(ref);
    const promise = new Promise<AgentLaunch>((resolve, reject) => {
      pending.set(key, { resolve, reject, fetching: false, lastSeen: 'not created on the hub' });
    });
    promise.catch(() => undefined); // consumers handle it; never an unhandled rejection
    ctx.launches.set(key, promise);
  }
  const settle = (key: string, outcome: AgentLaunch | Error) => {
    const p = pending.get(key);
    if (!p) return;
    pending.delete(key);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  };
  ctx.signal.addEventListener('abort', () => {
    for (const [key, p] of pending) settle(key, new Error(`the run ended before InfraEnv ${key} was ready (${p.lastSeen})`));
  }, { once: true });

  const onInfraEnv = (infraEnv: HubObject) => {
    const key = `${infraEnv.metadata.namespace}/${infraEnv.metadata.name}`;
    const p = pending.get(key);
    if (!p || p.fetching) return;
    const created = condition(infraEnv, 'ImageCreated');
    const eventsURL = infraEnv.status?.debugInfo?.eventsURL;
    p.lastSeen = created ? `ImageCreated=${created.status} ${created.reason ?? ''}: ${created.message ?? ''}`.trim() : 'no ImageCreated condition yet';
    if (created?.status !== 'True' || !eventsURL) return;
    p.fetching = true;
    fetchAgentLaunch(ctx.config.hub, infraEnv, ctx.signal).then((launch) => {
      if (launch.token) ctx.secrets.add(launch.token);
      // What a plain agent host downloads before it boots (isoDownload), with the image service on.
      ctx.isoUrls.set(key, (infraEnv.status?.isoDownloadURL as string | undefined) || null);
      ctx.log(`runner: InfraEnv ${key}: infra-env ${launch.infraEnvId}, agent ${launch.command[0]} → ${launch.serviceUrl}`);
      settle(key, launch);
    }, (err: Error) => settle(key, new Error(`InfraEnv ${key}: ${err.message}`)));
  };
  return watchKind(ctx.kubeConfig, INFRA_ENV, swarmSelector(ctx.plan.swarm), (obj, deleted) => { if (!deleted) onInfraEnv(obj); },
    (err) => ctx.log(`runner: ${err.message}`));
}

/** The infra-env id and token the service wrote in the InfraEnv's status. */
export function infraEnvIdentity(infraEnv: HubObject): { id: string; apiKey: string | null } {
  const eventsURL = infraEnv.status?.debugInfo?.eventsURL;
  const ignitionURL = infraEnv.status?.bootArtifacts?.discoveryIgnitionURL;
  const id = queryParam(eventsURL, 'infra_env_id') ?? /\/infra-envs\/([^/?]+)/.exec(ignitionURL ?? '')?.[1] ?? null;
  if (!id) throw new Error('its status.debugInfo.eventsURL has no infra_env_id');
  return { id, apiKey: queryParam(ignitionURL, 'api_key') ?? queryParam(eventsURL, 'api_key') };
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/** Downloads an InfraEnv's discovery ignition and reads the agent's launch from it. */
export async function fetchAgentLaunch(hub: SwarmConfig['hub'], infraEnv: HubObject, signal?: AbortSignal): Promise<AgentLaunch> {
  const { id, apiKey } = infraEnvIdentity(infraEnv);
  if (hub.auth === 'local' && !apiKey) {
    throw new Error('no api_key in its status URLs: does the service run with AUTH_TYPE=local (hub.auth)?');
  }
  const url = discoveryIgnitionUrl(hub.serviceUrl, id, hub.auth === 'local' ? apiKey : null);
  for (let attempt = 0; ; attempt++) {
    try {
      // The service serves files as octet-stream and refuses (400) a request that accepts only JSON.
      const body = await getText(url, hub.tls, { Accept: 'application/octet-stream' });
      const launch = await agentLaunchFrom(JSON.parse(body));
      if (launch.infraEnvId !== id) throw new Error(`its ignition starts the agent for infra-env ${launch.infraEnvId}, not ${id}`);
      if (hub.auth === 'local' && !launch.token) throw new Error('its ignition has no PULL_SECRET_TOKEN although hub.auth is local');
      return launch;
    } catch (err) {
      const retry = err instanceof ServiceError && err.retryable && attempt < RETRY_MS.length && !signal?.aborted;
      if (!retry) {
        const hint = err instanceof ServiceError && err.status === 401 && hub.auth === 'none' ? ' (does the service run with AUTH_TYPE=local? set hub.auth)' : '';
        throw new Error(`discovery ignition: ${(err as Error).message}${hint}`);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS[attempt]));
    }
  }
}
