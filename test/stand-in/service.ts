// Test-only stand-in for assisted-service, doing only what the service does for the runner's
// steps (see ../shared/reference/upstream-assisted.md C2, C3, C6) on the test hub and on a
// loopback REST API:
// - InfraEnvs: status ImageCreated=True/InfraEnvAvailable, debugInfo.eventsURL with the
//   infra-env id, bootArtifacts.discoveryIgnitionURL (`&api_key=` under local auth), and an
//   isoDownloadURL in the image service's short form (/byid/<id>/… under none, /byapikey/<token>/…
//   under local), which this stand-in serves with real bytes (HEAD, Range) as its image service;
// - BareMetalHosts: what the service's BMH agent controller does with them (./bmac.ts);
// - the discovery ignition (./ignition.ts), 401 without the infra-env token under local;
// - registration (POST /v2/infra-envs/{id}/hosts) creates the Agent named by host id in the
//   InfraEnv's namespace, with its agentLabels and clusterDeploymentName when it has a
//   clusterRef; steps (inventory, install), progress, binding (exit and re-register);
// - AgentClusterInstalls get a cluster id (eventsURL `cluster_id=`); a cluster whose agents
//   are all approved and known installs by itself, its first registered master chosen as the
//   bootstrap (Agent status.bootstrap); the controller's complete-installation ends it: agents
//   installed/Done, cluster adding-hosts, Completed=True/InstallationCompleted;
// - what installers ask (./installer-view.ts): the cluster with its hosts, bootstrap.ign and
//   a host's ignition, logs progress and log uploads; every REST call is recorded (`requests`);
// - GET /metrics like the service's (./metrics.ts): request latency per handler, CPU, memory;
//   GET /ready answers 200, as the service's health middleware does.
// Product code never imports this.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { AGENT, AGENT_CLUSTER_INSTALL, INFRA_ENV, mergePatch, watchKind, type Condition, type HubObject, type Watch } from '../../lib/runner/hub.ts';
import { BARE_METAL_HOST } from '../../lib/runner/hub.ts';
import { patternBytes, serveBytes } from '../support/byte-server.ts';
import { BmacStandIn } from './bmac.ts';
import { discoveryIgnition } from './ignition.ts';
import { StandInMetrics } from './metrics.ts';
import { tlsPort } from './tls-port.ts';
import { AGENT_IMAGE, BOOTSTRAP_IGNITION, clusterView, HOST_IGNITION, installCmdRequest } from './installer-view.ts';

export interface StandInOptions {
  kubeConfig: KubeConfig;
  auth: 'none' | 'local';
  /** Only objects with this label selector are served (other tests share the hub). */
  labelSelector: string;
  agentImage?: string;
  /** Serve HTTPS with this key and certificate, and put the CA in the ignition (--cacert). */
  tls?: { key: string; cert: string; ca: string };
  /** More Environment= lines in agent.service (a test makes its agents die this way). */
  unitEnv?: Record<string, string>;
  /** Size of the ISO its image service serves (default 2 MiB). */
  isoBytes?: number;
  /** BMAC's wait after an InfraEnv's image is made before it hands it to BareMetalHosts (60 s upstream; default 1 s). */
  bmacCooldownMs?: number;
}

interface InfraEnvEntry { id: string; namespace: string; name: string; uid: string; token: string | null; clusterRef: { name: string; namespace: string } | null; agentLabels: Record<string, string>; isoUrl: string; createdAt: number }
interface ClusterEntry { id: string; namespace: string; name: string; token: string | null }
interface HostEntry { infraEnvId: string; bound: boolean; inventoried: boolean; mustExit: boolean; installSent: boolean }

/** A REST call the stand-in answered: the path below /api/assisted-install/v2, and the JSON body (or, for a file, its size). */
export interface RecordedRequest { method: string; path: string; query: Record<string, string>; body: unknown; at: number }

const API = '/api/assisted-install/v2';

export class ServiceStandIn {
  url = '';
  readonly calls = { registrations: 0, ignitions: 0, unauthorized: 0, isoDownloads: 0 };
  readonly requests: RecordedRequest[] = [];
  readonly metrics = new StandInMetrics();
  private readonly infraEnvs = new Map<string, InfraEnvEntry>();
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly hosts = new Map<string, HostEntry>();
  private readonly agents = new Map<string, HubObject>();
  private readonly acis = new Map<string, HubObject>();
  private readonly queue = pLimit(1);
  private readonly watches: Watch[] = [];
  private server: ReturnType<typeof createHttpServer> | undefined;
  /** Over HTTPS: the port itself, which hands TLS connections to `server`. */
  private front: NetServer | undefined;
  private readonly iso: Buffer;
  readonly bmac: BmacStandIn;

  constructor(private readonly o: StandInOptions) {
    this.iso = patternBytes(o.isoBytes ?? 2 * 1024 * 1024);
    this.bmac = new BmacStandIn(o.kubeConfig, {
      agents: () => [...this.agents.values()],
      image: (namespace, name) => [...this.infraEnvs.values()].find((e) => e.namespace === namespace && e.name === name),
      queue: (fn) => this.queue(fn),
      agentPatched: (agent) => this.agents.set(agent.metadata.name, agent),
    }, o.bmacCooldownMs ?? 1000);
  }

  /** The ISO its image service serves. */
  get isoSize(): number {
    return this.iso.length;
  }

  async start(): Promise<this> {
    // The body is read before the request queues: one slow client must not hold up the rest.
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      // As the service's: /metrics answers at once, and is not one of the API's requests.
      if (req.method === 'GET' && req.url === '/metrics') return void this.metrics.serve(res).catch(() => res.destroy());
      // As the service's health middleware: /ready is 200 with no body, outside the API.
      if (req.method === 'GET' && req.url === '/ready') return void res.writeHead(200).end();
      if (this.image(req, res)) return;
      this.metrics.observe(req, res);
      void readBody(req)
        .then((body) => this.queue(() => this.handle(req, body, res)))
        .catch((e: Error) => {
          if (process.env.STAND_IN_DEBUG) console.error(`stand-in: ${req.method} ${req.url}: ${e.stack}`);
          if (!res.headersSent) send(res, 500, { message: e.message });
        });
    };
    // busybox's wget (the stand-in agents' and controllers') gets no handshake at OpenSSL's default
    // security level (no shared cipher); at level 0 it agrees on ECDHE-ECDSA-AES128-GCM-SHA256.
    this.server = this.o.tls ? createHttpsServer({ key: this.o.tls.key, cert: this.o.tls.cert, ciphers: 'DEFAULT:@SECLEVEL=0' }, handler) : createHttpServer(handler);
    // Over HTTPS, a port that answers plain HTTP as the service's does (./tls-port.ts).
    const port = this.o.tls ? (this.front = await tlsPort(this.server as HttpsServer)) : this.server;
    await new Promise<void>((r) => port.listen(0, '127.0.0.1', r));
    this.url = `${this.o.tls ? 'https' : 'http'}://127.0.0.1:${(port.address() as AddressInfo).port}`;
    const on = (kind: typeof AGENT, fn: (o: HubObject) => Promise<void>) =>
      watchKind(this.o.kubeConfig, kind, this.o.labelSelector, (obj, deleted) => { if (!deleted) void this.queue(() => fn(obj)).catch(() => undefined); }, () => undefined);
    this.watches.push(await on(INFRA_ENV, (o) => this.onInfraEnv(o)));
    this.watches.push(await on(AGENT_CLUSTER_INSTALL, (o) => this.onAci(o)));
    this.watches.push(await on(AGENT, (o) => this.onAgent(o)));
    this.watches.push(await on(BARE_METAL_HOST, (o) => this.bmac.onBareMetalHost(o)));
    return this;
  }

  /** The image service's side: an ISO by infra-env id or by token, outside the queue (downloads are long). True when handled. */
  private image(req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^\/(byid|byapikey)\/([^/]+)\/[^/]+\/x86_64\/(minimal|full)\.iso$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return false;
    const known = [...this.infraEnvs.values()].some((e) => (m[1] === 'byid' ? e.id === m[2] && this.o.auth === 'none' : e.token === m[2]));
    if (!known) {
      res.writeHead(401, { 'Content-Length': 0 }).end();
      return true;
    }
    this.calls.isoDownloads++;
    serveBytes(req, res, this.iso);
    return true;
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.stop()));
    const closed = Promise.all([this.server, this.front].map((s) => s?.listening && new Promise((r) => s.close(r))));
    this.server?.closeAllConnections(); // idle keep-alive connections would hold close() up
    await closed;
  }

  /** Every token the stand-in handed out (infra-envs and clusters), for leak checks. */
  tokens(): string[] {
    return [...this.infraEnvs.values(), ...this.clusters.values()].flatMap((e) => (e.token ? [e.token] : []));
  }

  /** The infra-env id the stand-in gave an InfraEnv. */
  infraEnvId(namespace: string, name: string): string | undefined {
    return [...this.infraEnvs.values()].find((e) => e.namespace === namespace && e.name === name)?.id;
  }

  /** The cluster id the stand-in gave an AgentClusterInstall. */
  clusterId(namespace: string, name: string): string | undefined {
    return [...this.clusters.values()].find((e) => e.namespace === namespace && e.name === name)?.id;
  }

  // ---- the hub side ----

  private async onInfraEnv(ie: HubObject): Promise<void> {
    const { namespace, name, uid } = ie.metadata;
    let entry = [...this.infraEnvs.values()].find((e) => e.namespace === namespace && e.name === name);
    if (!entry) {
      const id = randomUUID();
      const token = this.o.auth === 'local' ? randomBytes(24).toString('hex') : null;
      const isoUrl = `${this.url}/${token ? `byapikey/${token}` : `byid/${id}`}/4.20/x86_64/minimal.iso`;
      entry = { id, namespace, name, uid: uid!, token, clusterRef: null, agentLabels: {}, isoUrl, createdAt: Date.now() };
      this.infraEnvs.set(entry.id, entry);
    }
    entry.clusterRef = (ie.spec?.clusterRef as InfraEnvEntry['clusterRef']) ?? null;
    entry.agentLabels = (ie.spec?.agentLabels as Record<string, string>) ?? {};
    if (ie.status?.debugInfo?.eventsURL?.includes(entry.id)) return;
    const key = entry.token ? `&api_key=${entry.token}` : '';
    await mergePatch(this.o.kubeConfig, INFRA_ENV, namespace, name, {
      status: {
        conditions: [{ type: 'ImageCreated', status: 'True', reason: 'InfraEnvAvailable', message: 'Image has been created', lastTransitionTime: now() }],
        debugInfo: { eventsURL: `${this.url}${API}/events?infra_env_id=${entry.id}${key}` },
        bootArtifacts: { discoveryIgnitionURL: `${this.url}${API}/infra-envs/${entry.id}/downloads/files?file_name=discovery.ign${key}` },
        isoDownloadURL: entry.isoUrl,
        createdTime: new Date(entry.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      },
    }, true);
    await this.bmac.onChangeIn(namespace);
  }

  private async onAci(aci: HubObject): Promise<void> {
    const known = this.acis.get(`${aci.metadata.namespace}/${aci.metadata.name}`);
    if (!known || Number(aci.metadata.resourceVersion) >= Number(known.metadata.resourceVersion)) this.acis.set(`${aci.metadata.namespace}/${aci.metadata.name}`, aci);
    aci = this.acis.get(`${aci.metadata.namespace}/${aci.metadata.name}`)!;
    if (aci.status?.debugInfo?.eventsURL) return void this.maybeInstall();
    const entry: ClusterEntry = { id: randomUUID(), namespace: aci.metadata.namespace, name: aci.metadata.name, token: this.o.auth === 'local' ? randomBytes(24).toString('hex') : null };
    this.clusters.set(entry.id, entry);
    await this.patchAci(entry, {
      debugInfo: { state: 'insufficient', stateInfo: 'Cluster is not ready for install', eventsURL: `${this.url}${API}/events?cluster_id=${entry.id}${entry.token ? `&api_key=${entry.token}` : ''}` },
      conditions: [cond('SpecSynced', 'True', 'SyncOK'), cond('RequirementsMet', 'False', 'ClusterNotReady'), cond('Completed', 'False', 'InstallationNotStarted'), cond('Failed', 'False', 'InstallationNotFailed')],
    });
  }

  private async onAgent(agent: HubObject): Promise<void> {
    // A watch event may be older than the answer to our own last patch.
    const known = this.agents.get(agent.metadata.name);
    if (!known || Number(agent.metadata.resourceVersion) >= Number(known.metadata.resourceVersion)) this.agents.set(agent.metadata.name, agent);
    const host = this.hosts.get(agent.metadata.name);
    const cd = agent.spec?.clusterDeploymentName as { name?: string } | undefined;
    // Late binding: a ClusterDeployment set on an unbound host makes it bind: it is told to
    // exit and registers again, now bound (agent_controller.go BindHostInternal).
    if (host && !host.bound && cd?.name) {
      Object.assign(host, { bound: true, mustExit: true, inventoried: false });
      await this.patchAgent(agent.metadata.name, { debugInfo: { state: 'binding', stateInfo: 'Host is waiting to be bound to the cluster' } }, [cond('Bound', 'True', 'Bound')]);
    }
    await this.bmac.onChangeIn(agent.metadata.namespace);
    await this.maybeInstall();
  }

  /** A cluster whose agents are all there, approved and known installs by itself (isReadyForInstallation). */
  private async maybeInstall(): Promise<void> {
    for (const entry of this.clusters.values()) {
      const aci = this.acis.get(`${entry.namespace}/${entry.name}`);
      if (!aci || aci.status?.debugInfo?.state !== 'insufficient' || aci.spec?.holdInstallation) continue;
      const req = aci.spec?.provisionRequirements as { controlPlaneAgents: number; workerAgents?: number };
      const cdName = (aci.spec?.clusterDeploymentRef as { name: string }).name;
      const mine = [...this.agents.values()].filter((a) => {
        const cd = a.spec?.clusterDeploymentName as { name?: string; namespace?: string } | undefined;
        return cd?.name === cdName && cd.namespace === entry.namespace;
      });
      const ready = mine.length === req.controlPlaneAgents + (req.workerAgents ?? 0)
        && mine.every((a) => a.spec?.approved === true && a.status?.debugInfo?.state === 'known');
      if (!ready) continue;
      await this.patchAci(entry, {
        debugInfo: { state: 'installing', stateInfo: 'Installation in progress' },
        conditions: [cond('SpecSynced', 'True', 'SyncOK'), cond('RequirementsMet', 'True', 'ClusterInstallationStarted'), cond('Completed', 'False', 'InstallationInProgress'), cond('Failed', 'False', 'InstallationNotFailed')],
      });
      // The service picks the bootstrap among the masters (here, as seen with upstream's, the first registered).
      const bootstrap = [...this.hosts.keys()].find((id) => mine.some((a) => a.metadata.name === id && a.spec?.role === 'master'));
      for (const a of mine) {
        await this.patchAgent(a.metadata.name, { debugInfo: { state: 'installing', stateInfo: 'Installation is in progress' }, bootstrap: a.metadata.name === bootstrap });
      }
    }
  }

  private async patchAgent(hostId: string, status: Record<string, unknown>, conditions: Condition[] = []): Promise<void> {
    const agent = this.agents.get(hostId)!;
    const merged = mergeConditions(agent.status?.conditions, conditions);
    this.agents.set(hostId, await mergePatch(this.o.kubeConfig, AGENT, agent.metadata.namespace, hostId, { status: { ...status, conditions: merged } }, true));
  }

  private async patchAci(entry: ClusterEntry, status: Record<string, unknown>): Promise<void> {
    this.acis.set(`${entry.namespace}/${entry.name}`, await mergePatch(this.o.kubeConfig, AGENT_CLUSTER_INSTALL, entry.namespace, entry.name, { status }, true));
  }

  // ---- the REST side ----

  private async handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = (method: string, pattern: RegExp) => (req.method === method ? pattern.exec(url.pathname) : null);
    let m: RegExpExecArray | null;
    const type = req.headers['content-type'] ?? '';
    this.requests.push({
      method: req.method ?? '', path: url.pathname.replace(API, ''), query: Object.fromEntries(url.searchParams), at: Date.now(),
      body: type.includes('json') ? JSON.parse(body || 'null')
        : type.startsWith('multipart/') ? { files: [...body.matchAll(/name="([^"]+)"; filename="([^"]+)"/g)].map((f) => `${f[1]}=${f[2]}`) } : null,
    });
    if ((m = /^\/api\/assisted-install\/v2\/(clusters\/([^/]+)(?:\/.*)?|infra-env\/([^/]+)\/hosts\/([^/]+)\/downloads\/ignition)$/.exec(url.pathname)) && !/\/actions\//.test(url.pathname)) {
      return this.installerCall(req, url, res, m);
    }
    if ((m = route('GET', /^\/api\/assisted-install\/v2\/infra-envs\/([^/]+)\/downloads\/files$/))) {
      const ie = this.infraEnvs.get(m[1]!);
      if (!ie) return send(res, 404, { message: 'no such infra-env' });
      if (!this.authorized(req, url, ie.token)) return send(res, 401, UNAUTHORIZED);
      if (url.searchParams.get('file_name') !== 'discovery.ign') return send(res, 400, { message: 'file_name' });
      // As the real service: files are octet-stream, and a request that won't take it is refused.
      if (!acceptsOctetStream(req)) {
        return send(res, 400, { code: 400, message: 'unsupported media type requested, only [application/octet-stream] are available' });
      }
      this.calls.ignitions++;
      return send(res, 200, discoveryIgnition({
        serviceBaseUrl: this.url, infraEnvId: ie.id, agentImage: this.o.agentImage ?? AGENT_IMAGE,
        skipCertVerification: !this.o.tls, token: ie.token, caCert: this.o.tls?.ca ?? null, unitEnv: this.o.unitEnv ?? {},
      }));
    }
    if ((m = route('POST', /^\/api\/assisted-install\/v2\/infra-envs\/([^/]+)\/hosts$/))) return this.register(req, url, res, m[1]!, JSON.parse(body));
    if ((m = /^\/api\/assisted-install\/v2\/infra-envs\/([^/]+)\/hosts\/([^/]+)\/(instructions|progress)$/.exec(url.pathname))) {
      const ie = this.infraEnvs.get(m[1]!), host = this.hosts.get(m[2]!);
      if (!ie || !host) return send(res, 404, { message: 'no such host' });
      if (!this.authorized(req, url, ie.token)) return send(res, 401, UNAUTHORIZED);
      if (m[3] === 'instructions' && req.method === 'GET') return send(res, 200, this.instructions(m[2]!, host));
      if (m[3] === 'instructions' && req.method === 'POST') return this.stepReply(res, m[2]!, host, JSON.parse(body));
      if (m[3] === 'progress' && req.method === 'PUT') {
        const { current_stage: stage, progress_info: info = '' } = JSON.parse(body) as { current_stage: string; progress_info?: string };
        await this.patchAgent(m[2]!, { debugInfo: { state: 'installing-in-progress', stateInfo: stage }, progress: { currentStage: stage, progressInfo: info } });
        return send(res, 200, {});
      }
    }
    if ((m = route('PUT', /^\/api\/assisted-install\/v2\/infra-envs\/([^/]+)\/hosts\/([^/]+)\/logs-progress$/))) {
      const ie = this.infraEnvs.get(m[1]!);
      if (!ie || !this.hosts.has(m[2]!)) return send(res, 404, { message: 'no such host' });
      if (!this.authorized(req, url, ie.token)) return send(res, 401, UNAUTHORIZED);
      return send(res, 204, null);
    }
    if ((m = route('POST', /^\/api\/assisted-install\/v2\/clusters\/([^/]+)\/actions\/complete-installation$/))) {
      const entry = this.clusters.get(m[1]!);
      if (!entry) return send(res, 404, { message: 'no such cluster' });
      if (!this.authorized(req, url, entry.token)) return send(res, 401, UNAUTHORIZED);
      return this.complete(res, entry, (JSON.parse(body) as { is_success: boolean }).is_success);
    }
    send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }

  /** What installers ask of a cluster (the cluster, its files, a host's ignition, logs): any token the service issued will do, as under local auth. */
  private installerCall(req: IncomingMessage, url: URL, res: ServerResponse, m: RegExpExecArray): void {
    if (!this.authorized(req, url, this.tokens())) return send(res, 401, UNAUTHORIZED);
    const clusterOf = (hostId: string) => [...this.clusters.values()].find((c) => this.clusterHosts(c).some((h) => h.agent.metadata.name === hostId));
    const entry = m[2] ? this.clusters.get(m[2]) : clusterOf(m[4]!);
    if (!entry || (m[4] && !this.hosts.has(m[4]))) return send(res, 404, { message: 'no such cluster or host' });
    const state = this.acis.get(`${entry.namespace}/${entry.name}`)?.status?.debugInfo?.state ?? 'insufficient';
    const rest = m[1]!.replace(/^clusters\/[^/]+/, '');
    const file = (content: string) => {
      // The service serves files only once the cluster installs (CanDownloadFiles), as octet-stream.
      if (!['installing', 'finalizing', 'installed', 'adding-hosts'].includes(state)) return send(res, 409, { message: `cluster is ${state}` });
      if (!acceptsOctetStream(req)) return send(res, 400, { message: 'unsupported media type requested, only [application/octet-stream] are available' });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': Buffer.byteLength(content) });
      res.end(content);
    };
    if (m[4] && req.method === 'GET') return file(HOST_IGNITION);
    if (rest === '' && req.method === 'GET') {
      return send(res, 200, clusterView({ id: entry.id, state, hosts: this.clusterHosts(entry), withHosts: url.searchParams.get('exclude-hosts') !== 'true' }));
    }
    if (rest === '/downloads/files' && req.method === 'GET') {
      return url.searchParams.get('file_name') === 'bootstrap.ign' ? file(BOOTSTRAP_IGNITION) : send(res, 404, { message: 'no such file' });
    }
    if (rest === '/logs-progress' && req.method === 'PUT') return send(res, 204, null);
    if (rest === '/logs' && req.method === 'POST') {
      const hostId = url.searchParams.get('host_id');
      if (url.searchParams.get('logs_type') === 'host' && !(hostId && this.clusterHosts(entry).some((h) => h.agent.metadata.name === hostId))) {
        return send(res, 400, { message: 'cluster_id and host_id are required for upload host logs' });
      }
      return send(res, 204, null);
    }
    send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }

  /** The Agents of a cluster (bound to its ClusterDeployment), with their infra-env ids. */
  private clusterHosts(entry: ClusterEntry): { agent: HubObject; infraEnvId: string }[] {
    const aci = this.acis.get(`${entry.namespace}/${entry.name}`);
    const cdName = (aci?.spec?.clusterDeploymentRef as { name?: string } | undefined)?.name;
    return [...this.agents.values()]
      .filter((a) => {
        const cd = a.spec?.clusterDeploymentName as { name?: string; namespace?: string } | undefined;
        return cd?.name === cdName && cd?.namespace === entry.namespace && this.hosts.has(a.metadata.name);
      })
      .map((agent) => ({ agent, infraEnvId: this.hosts.get(agent.metadata.name)!.infraEnvId }));
  }

  private authorized(req: IncomingMessage, url: URL, token: string | null | string[]): boolean {
    if (this.o.auth === 'none') return true;
    const given = [req.headers['x-secret-key'], url.searchParams.get('api_key')];
    const ok = Array.isArray(token) ? given.some((t) => typeof t === 'string' && token.includes(t)) : token !== null && given.includes(token);
    if (!ok) this.calls.unauthorized++;
    return ok;
  }

  private async register(req: IncomingMessage, url: URL, res: ServerResponse, infraEnvId: string, body: { host_id: string }): Promise<void> {
    const ie = this.infraEnvs.get(infraEnvId);
    if (!ie) return send(res, 404, { message: 'no such infra-env' });
    if (!this.authorized(req, url, ie.token)) return send(res, 401, UNAUTHORIZED);
    this.calls.registrations++;
    const hostId = body.host_id;
    let host = this.hosts.get(hostId);
    if (!host) this.hosts.set(hostId, (host = { infraEnvId, bound: ie.clusterRef !== null, inventoried: false, mustExit: false, installSent: false }));
    // A host that registers again while known (its container replaced) keeps its state: the real
    // service's agent controller, reconciling after the host has sent its inventory again, often
    // finds the Agent as it was and leaves it untouched (seen with upstream's: no Agent update).
    const known = ['known', 'known-unbound'].includes(this.agents.get(hostId)?.status?.debugInfo?.state ?? '');
    // A (re-)registered host is asked for its inventory again.
    Object.assign(host, { mustExit: false, inventoried: known });
    if (known) {
      return send(res, 201, {
        id: hostId, infra_env_id: infraEnvId, kind: 'Host', status: this.agents.get(hostId)!.status!.debugInfo!.state,
        next_step_runner_command: { command: '', args: [JSON.stringify({ infra_env_id: infraEnvId, host_id: hostId, agent_version: this.o.agentImage ?? '' })] },
      });
    }
    if (!this.agents.has(hostId)) {
      // CreateAgentCR: named by host id, the InfraEnv's labels, bound when the InfraEnv is.
      const created = await this.o.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: AGENT.group, version: AGENT.version, plural: AGENT.plural, namespace: ie.namespace,
        body: {
          apiVersion: `${AGENT.group}/${AGENT.version}`, kind: 'Agent',
          metadata: {
            name: hostId, namespace: ie.namespace,
            labels: { ...ie.agentLabels, 'infraenvs.agent-install.openshift.io': ie.name },
            ownerReferences: [{ apiVersion: `${INFRA_ENV.group}/${INFRA_ENV.version}`, kind: 'InfraEnv', name: ie.name, uid: ie.uid }],
          },
          spec: { approved: false, role: '', ...(ie.clusterRef ? { clusterDeploymentName: ie.clusterRef } : {}) },
        },
      });
      this.agents.set(hostId, created as HubObject);
    }
    await this.patchAgent(hostId, { debugInfo: { state: host.bound ? 'discovering' : 'discovering-unbound', stateInfo: 'Waiting for host to send hardware details' } }, [cond('Connected', 'True', 'AgentIsConnected')]);
    send(res, 201, {
      id: hostId, infra_env_id: infraEnvId, kind: 'Host', status: host.bound ? 'discovering' : 'discovering-unbound',
      next_step_runner_command: { command: '', args: [JSON.stringify({ infra_env_id: infraEnvId, host_id: hostId, agent_version: this.o.agentImage ?? '' })] },
    });
  }

  private instructions(hostId: string, host: HostEntry): object {
    if (host.mustExit) return { next_instruction_seconds: 1, post_step_action: 'exit', instructions: [] };
    const state = this.agents.get(hostId)?.status?.debugInfo?.state;
    const steps = [];
    if (!host.inventoried) steps.push({ step_type: 'inventory', step_id: `inventory-${randomBytes(4).toString('hex')}`, command: '', args: [] });
    else if (state === 'installing' && !host.installSent) {
      const entry = [...this.clusters.values()].find((c) => this.clusterHosts(c).some((h) => h.agent.metadata.name === hostId));
      const aci = entry && this.acis.get(`${entry.namespace}/${entry.name}`);
      if (!entry || !aci) return { next_instruction_seconds: 1, post_step_action: 'continue', instructions: [] };
      host.installSent = true;
      const controlPlaneCount = (aci.spec?.provisionRequirements as { controlPlaneAgents: number }).controlPlaneAgents;
      const request = installCmdRequest({ agent: this.agents.get(hostId)!, clusterId: entry.id, infraEnvId: host.infraEnvId, controlPlaneCount });
      steps.push({ step_type: 'install', step_id: `install-${randomBytes(4).toString('hex')}`, command: '', args: [request] });
    }
    return { next_instruction_seconds: 1, post_step_action: 'continue', instructions: steps };
  }

  private async stepReply(res: ServerResponse, hostId: string, host: HostEntry, reply: { step_type: string; exit_code: number; output: string }): Promise<void> {
    // A reply that crossed the host's binding is dropped: it registers again and is asked anew.
    if (reply.step_type === 'inventory' && reply.exit_code === 0 && !host.mustExit) {
      const inv = JSON.parse(reply.output) as { hostname: string; interfaces: { mac_address: string; ipv4_addresses: string[] }[] };
      host.inventoried = true;
      await this.patchAgent(hostId, {
        inventory: { hostname: inv.hostname, interfaces: inv.interfaces.map((i) => ({ macAddress: i.mac_address, ipV4Addresses: i.ipv4_addresses, ipV6Addresses: [], flags: ['up'] })) },
        debugInfo: { state: host.bound ? 'known' : 'known-unbound', stateInfo: host.bound ? 'Host is ready to be installed' : 'Host is ready to be bound to a cluster' },
      }, [cond('Validated', 'True', 'ValidationsPassing'), cond('RequirementsMet', 'True', host.bound ? 'HostIsReady' : 'UnboundHostIsReady')]);
      await this.maybeInstall();
    }
    send(res, 204, null);
  }

  private async complete(res: ServerResponse, entry: ClusterEntry, success: boolean): Promise<void> {
    const aci = this.acis.get(`${entry.namespace}/${entry.name}`)!;
    const cdName = (aci.spec?.clusterDeploymentRef as { name: string }).name;
    for (const a of this.agents.values()) {
      const cd = a.spec?.clusterDeploymentName as { name?: string; namespace?: string } | undefined;
      if (cd?.name !== cdName || cd.namespace !== entry.namespace) continue;
      await this.patchAgent(a.metadata.name, success
        ? { debugInfo: { state: 'installed', stateInfo: 'Done' }, progress: { currentStage: 'Done' } }
        : { debugInfo: { state: 'error', stateInfo: 'installation failed' } },
      [cond('Installed', success ? 'True' : 'False', success ? 'InstallationCompleted' : 'InstallationFailed')]);
    }
    await this.patchAci(entry, success
      ? { debugInfo: { state: 'adding-hosts', stateInfo: 'Cluster is installed' }, conditions: [cond('SpecSynced', 'True', 'SyncOK'), cond('RequirementsMet', 'True', 'ClusterAlreadyInstalling'), cond('Completed', 'True', 'InstallationCompleted'), cond('Failed', 'False', 'InstallationNotFailed')] }
      : { debugInfo: { state: 'error', stateInfo: 'cluster installation failed' }, conditions: [cond('Failed', 'True', 'InstallationFailed'), cond('Completed', 'False', 'InstallationFailed')] });
    send(res, 202, {});
  }
}

function cond(type: string, status: string, reason: string): Condition {
  return { type, status, reason, message: reason, lastTransitionTime: now() };
}

function mergeConditions(current: Condition[] = [], updates: Condition[]): Condition[] {
  const out = current.filter((c) => !updates.some((u) => u.type === c.type));
  return [...out, ...updates];
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => reject(new Error('the client went away')));
  });
}

/** The real service's answer to a missing or wrong key (seen under AUTH_TYPE=local). */
const UNAUTHORIZED = { code: 401, message: 'unauthenticated for invalid credentials' };

function acceptsOctetStream(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '*/*';
  return /application\/octet-stream|\*\/\*|application\/\*/.test(accept);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
