// Test-only: what the service's BMH agent controller (BMAC, assisted-service
// internal/controller/controllers/bmh_agent_controller.go, non-converged flow) does, for the
// service stand-in (./service.ts). For each BareMetalHost with the InfraEnv label:
// - inspection off (`inspect.metal3.io: disabled`) and automated cleaning off, if not so already;
// - the image: once the InfraEnv has an ISO URL (and its image is InfraEnvImageCooldownPeriod
//   old, 60 s upstream, `cooldownMs` here), on a host whose provisioning state is ready or
//   available: spec.image {url, diskFormat live-iso} and online; on a host in another state
//   with another image, the image is taken away (reconcileBMH);
// - the Agent whose inventory has the BMH's bootMACAddress (findAgent): role, hostname from the
//   annotations, approved, label agent-install.openshift.io/bmh, the ClusterDeployment of
//   bmac.agent-install.openshift.io/cluster-reference (reconcileAgentSpec);
// - the Agent's inventory as inspect.metal3.io/hardwaredetails, unless there or already in
//   status.hardware (reconcileAgentInventory);
// - once the Agent's stage is Rebooting, Joined, Done or Failed: the detached annotation, and
//   with the BMH detached the status and paused annotations (handlePauseAndDetachBMHAnnotations).
// Not played: BMAC's finalizer (the tests delete their namespaces after the stand-in stops), the
// day-2 spoke work and the converged flow.
import { AGENT, BARE_METAL_HOST, mergePatch, type HubObject } from '../../lib/runner/hub.ts';
import { AGENT_BMH_LABEL, BMAC_ANNOTATION, INFRA_ENV_LABEL, METAL3_ANNOTATION } from '../../lib/swarm/bare-metal.ts';
import type { KubeConfig } from '@kubernetes/client-node';

export interface InfraEnvImage {
  isoUrl: string;
  createdAt: number;
}

export interface BmacView {
  /** The Agents the stand-in knows, newest versions. */
  agents(): HubObject[];
  /** An InfraEnv's ISO, by namespace and name. */
  image(namespace: string, name: string): InfraEnvImage | undefined;
  /** Runs `fn` in the stand-in's queue (one change at a time). */
  queue(fn: () => Promise<void>): Promise<void>;
  /** The stand-in's record of an Agent it patched. */
  agentPatched(agent: HubObject): void;
}

const DETACH_STAGES = new Set(['Failed', 'Rebooting', 'Joined', 'Done']);
const PAUSED_VALUE = 'assisted-service-controller';

export class BmacStandIn {
  private readonly bmhs = new Map<string, HubObject>();

  constructor(private readonly kubeConfig: KubeConfig, private readonly view: BmacView, private readonly cooldownMs: number) {}

  /** Every BareMetalHost it reconciled, newest versions. */
  hosts(): HubObject[] {
    return [...this.bmhs.values()];
  }

  onBareMetalHost(bmh: HubObject): Promise<void> {
    this.keep(bmh);
    return this.reconcile(`${bmh.metadata.namespace}/${bmh.metadata.name}`);
  }

  /** An Agent or an InfraEnv changed: the BareMetalHosts of its namespace are looked at again. */
  async onChangeIn(namespace: string): Promise<void> {
    for (const key of [...this.bmhs.keys()].filter((k) => k.startsWith(`${namespace}/`))) await this.reconcile(key);
  }

  private keep(bmh: HubObject): void {
    const key = `${bmh.metadata.namespace}/${bmh.metadata.name}`;
    const known = this.bmhs.get(key);
    if (!known || Number(bmh.metadata.resourceVersion) >= Number(known.metadata.resourceVersion)) this.bmhs.set(key, bmh);
  }

  private async patchBmh(bmh: HubObject, body: object): Promise<HubObject> {
    const patched = await mergePatch(this.kubeConfig, BARE_METAL_HOST, bmh.metadata.namespace, bmh.metadata.name, body);
    this.keep(patched);
    return patched;
  }

  private async reconcile(key: string): Promise<void> {
    let bmh = this.bmhs.get(key);
    if (!bmh || bmh.metadata.deletionTimestamp) return;
    const infraEnvName = bmh.metadata.labels?.[INFRA_ENV_LABEL];
    const image = infraEnvName ? this.view.image(bmh.metadata.namespace, infraEnvName) : undefined;
    if (!infraEnvName) return;
    const annotations = bmh.metadata.annotations ?? {};
    const spec = (bmh.spec ?? {}) as { bootMACAddress?: string; automatedCleaningMode?: string; image?: { url?: string } | null };
    const status = (bmh.status ?? {}) as { operationalStatus?: string; provisioning?: { state?: string }; hardware?: { hostname?: string } };
    const agent = this.agentOf(bmh);

    if (agent) {
      const stage = (agent.status?.progress as { currentStage?: string } | undefined)?.currentStage ?? '';
      if (DETACH_STAGES.has(stage) && annotations[METAL3_ANNOTATION.detached] === undefined) {
        bmh = await this.patchBmh(bmh, { metadata: { annotations: { [METAL3_ANNOTATION.detached]: PAUSED_VALUE } } });
      } else if (DETACH_STAGES.has(stage) && status.operationalStatus === 'detached' && annotations['baremetalhost.metal3.io/status'] === undefined) {
        bmh = await this.patchBmh(bmh, { metadata: { annotations: { 'baremetalhost.metal3.io/status': JSON.stringify(bmh.status), [METAL3_ANNOTATION.paused]: PAUSED_VALUE } } });
      }
    }
    if (!image) return;
    if (annotations[METAL3_ANNOTATION.inspect] === undefined || spec.automatedCleaningMode !== 'disabled') {
      bmh = await this.patchBmh(bmh, { metadata: { annotations: { [METAL3_ANNOTATION.inspect]: 'disabled' } }, spec: { automatedCleaningMode: 'disabled' } });
    }
    if (annotations[METAL3_ANNOTATION.detached] === undefined && spec.image?.url !== image.isoUrl) {
      const wait = image.createdAt + this.cooldownMs - Date.now();
      const state = status.provisioning?.state ?? '';
      if (wait > 0) setTimeout(() => void this.view.queue(() => this.reconcile(key)).catch(() => undefined), wait);
      else if (state === 'ready' || state === 'available') bmh = await this.patchBmh(bmh, { spec: { image: { url: image.isoUrl, diskFormat: 'live-iso' }, online: true } });
      else if (spec.image) bmh = await this.patchBmh(bmh, { spec: { image: null } });
    }
    if (agent) await this.reconcileAgent(bmh, agent);
  }

  private agentOf(bmh: HubObject): HubObject | undefined {
    const mac = ((bmh.spec?.bootMACAddress as string | undefined) ?? '').toLowerCase();
    return this.view.agents().find((a) => a.metadata.namespace === bmh.metadata.namespace
      && ((a.status?.inventory as { interfaces?: { macAddress?: string }[] } | undefined)?.interfaces ?? []).some((i) => i.macAddress?.toLowerCase() === mac && mac !== ''));
  }

  private async reconcileAgent(bmh: HubObject, agent: HubObject): Promise<void> {
    const annotations = bmh.metadata.annotations ?? {};
    const want: Record<string, unknown> = { approved: true };
    if (annotations[BMAC_ANNOTATION.role] !== undefined) want.role = annotations[BMAC_ANNOTATION.role];
    if (annotations[BMAC_ANNOTATION.hostname] !== undefined) want.hostname = annotations[BMAC_ANNOTATION.hostname];
    const reference = annotations[BMAC_ANNOTATION.clusterReference];
    if (reference) {
      const [namespace, name] = reference.split('/');
      want.clusterDeploymentName = { namespace, name };
    }
    const spec: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(want)) if (JSON.stringify(agent.spec?.[k]) !== JSON.stringify(v)) spec[k] = v;
    const labelled = agent.metadata.labels?.[AGENT_BMH_LABEL] === bmh.metadata.name;
    if (Object.keys(spec).length || !labelled) {
      const patched = await mergePatch(this.kubeConfig, AGENT, agent.metadata.namespace, agent.metadata.name, {
        ...(labelled ? {} : { metadata: { labels: { [AGENT_BMH_LABEL]: bmh.metadata.name } } }),
        ...(Object.keys(spec).length ? { spec } : {}),
      });
      this.view.agentPatched(patched);
    }
    const inventory = agent.status?.inventory as { hostname?: string; interfaces?: { macAddress: string; ipV4Addresses?: string[] }[] } | undefined;
    const hardware = (bmh.status as { hardware?: { hostname?: string } } | undefined)?.hardware;
    if (inventory?.interfaces?.length && annotations[METAL3_ANNOTATION.hardwareDetails] === undefined && !hardware?.hostname) {
      const details = {
        hostname: (agent.spec?.hostname as string | undefined) || inventory.hostname || '',
        nics: inventory.interfaces.flatMap((i) => (i.ipV4Addresses ?? []).map((ip) => ({ name: 'lo', mac: i.macAddress, ip: ip.split('/')[0], speedGbps: 0, model: '' }))),
        ramMebibytes: 0,
        cpu: { arch: 'x86_64', model: '', clockMegahertz: 0, flags: [], count: 1 },
        systemVendor: { manufacturer: '', productName: '', serialNumber: '' },
        storage: [],
      };
      await this.patchBmh(bmh, { metadata: { annotations: { [METAL3_ANNOTATION.hardwareDetails]: JSON.stringify(details) } } });
    }
  }
}
