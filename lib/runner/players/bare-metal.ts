// The Bare Metal Operator, played for the swarm's own BareMetalHosts (docs/upstream-gaps.md,
// "BareMetalHost mode"). No BMO runs for them (they are paused for a real one, and the swarm
// brings none); this player moves each one through BMO's states by its status subresource, as
// BMO does for a host with inspection disabled (metal3-io/baremetal-operator,
// internal/controller/metal3.io/host_state_machine.go):
//   ''  → registering → preparing → available        (inspecting between the first two when
//                                                       inspection is not disabled)
//   available, once spec.image.url is set (BMAC sets it from the InfraEnv's ISO, and only on an
//   available host) → provisioning: the host boots from that ISO (PlayerContext.boot: its ISO
//   downloaded, its container started) → provisioned, powered on, status.provisioning.image
//   the image; a host that cannot boot → operationalStatus error, errorType provisioning error.
// Besides: the hardware details BMAC writes as an annotation move into status.hardware (and the
// annotation goes), and BMAC's detached annotation makes operationalStatus `detached`, as BMO
// does. A host being deleted is left alone: no deprovisioning is played. On by default.
import { METAL3_ANNOTATION } from '../../swarm/bare-metal.ts';
import type { FakeHostDoc } from '../../dist/types.ts';
import type { HostPlayer, PlayerContext } from '../hooks.ts';
import { BARE_METAL_HOST, mergePatch, type HubObject } from '../hub.ts';

export const BMO_PLAYER = 'bare-metal-operator';

interface BmhStatus {
  operationalStatus?: string;
  poweredOn?: boolean;
  hardware?: unknown;
  provisioning?: { state?: string; image?: { url?: string } };
}

interface BmhSpec {
  online?: boolean;
  image?: { url?: string; format?: string; diskFormat?: string };
}

/** The next state of a host BMO is walking towards `available` (with inspection disabled, no inspecting). */
function nextRegistrationState(state: string, inspectionDisabled: boolean): string | null {
  switch (state) {
    case '': return 'registering';
    case 'registering': return inspectionDisabled ? 'preparing' : 'inspecting';
    case 'inspecting': return 'preparing';
    case 'preparing': return 'available';
    default: return null;
  }
}

export function bareMetalPlayer(): HostPlayer {
  /** Each host's newest BareMetalHost not acted on yet; hosts being acted on; the version our last patch made. */
  const latest = new Map<string, HubObject>();
  const busy = new Set<string>();
  const patchedVersion = new Map<string, number>();
  /** Hosts whose boot was asked for in this run. */
  const booting = new Set<string>();
  /** The hardware-details annotation each host's status last took. */
  const consumed = new Map<string, string>();

  const patch = async (ctx: PlayerContext, bmh: HubObject, body: object, status = true): Promise<HubObject> =>
    mergePatch(ctx.kubeConfig, BARE_METAL_HOST, bmh.metadata.namespace, bmh.metadata.name, body, status);

  const setStatus = (ctx: PlayerContext, bmh: HubObject, status: Record<string, unknown>) =>
    patch(ctx, bmh, { status: { ...status, lastUpdated: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } });

  /** One step of BMO for one host: the patch it made (the object as it is now), or null when there is nothing to do. */
  async function step(ctx: PlayerContext, host: FakeHostDoc, bmh: HubObject): Promise<HubObject | null> {
    if (bmh.metadata.deletionTimestamp) return null;
    const hostname = host.spec.hostname;
    const status = (bmh.status ?? {}) as BmhStatus;
    const spec = (bmh.spec ?? {}) as BmhSpec;
    const annotations = bmh.metadata.annotations ?? {};
    const state = status.provisioning?.state ?? '';

    const details = annotations[METAL3_ANNOTATION.hardwareDetails];
    if (details !== undefined && state !== '') {
      // BMO consumes the annotation BMAC writes from the Agent's inventory, then drops it.
      const hardware = parseJson(details);
      if (hardware !== undefined && consumed.get(hostname) !== details) {
        consumed.set(hostname, details);
        return setStatus(ctx, bmh, { hardware });
      }
      return patch(ctx, bmh, { metadata: { annotations: { [METAL3_ANNOTATION.hardwareDetails]: null } } }, false);
    }

    const next = nextRegistrationState(state, annotations[METAL3_ANNOTATION.inspect] === 'disabled');
    if (next) {
      ctx.note(hostname, 'bmo', next, 'played: no Bare Metal Operator runs for the swarm\'s hosts');
      // The required fields of the status, all there from the first write.
      const fresh = state === '' ? { operationalStatus: 'OK', errorType: null, errorMessage: '', errorCount: 0, hardwareProfile: 'unknown', poweredOn: false } : {};
      return setStatus(ctx, bmh, { ...fresh, provisioning: { state: next, ID: host.spec.hostId } });
    }

    const url = spec.image?.url;
    if ((state === 'available' || state === 'ready') && url && spec.online) {
      ctx.note(hostname, 'bmo', 'provisioning', 'its ISO attached as virtual media: the host boots from it');
      return setStatus(ctx, bmh, { provisioning: { state: 'provisioning' } });
    }
    if ((state === 'provisioning' || state === 'provisioned') && url && !booting.has(hostname)) {
      booting.add(hostname);
      ctx.boot(hostname, url).then(
        () => setStatus(ctx, bmh, { poweredOn: true, provisioning: { state: 'provisioned', image: { ...spec.image } } }),
        (err: Error) => {
          if (ctx.signal.aborted) return;
          return setStatus(ctx, bmh, { operationalStatus: 'error', errorType: 'provisioning error', errorMessage: err.message, errorCount: 1 });
        },
      ).catch((err: Error) => ctx.log(`runner: ${hostname}: cannot write its BareMetalHost's status: ${err.message}`));
      return null;
    }

    if (annotations[METAL3_ANNOTATION.detached] !== undefined && status.operationalStatus !== 'detached' && state === 'provisioned') {
      ctx.note(hostname, 'bmo', 'detached', 'BMAC detached the host once it rebooted into its cluster');
      return setStatus(ctx, bmh, { operationalStatus: 'detached' });
    }
    return null;
  }

  /** Acts on a host's BareMetalHost until there is nothing more to do, one step at a time, newest object first. */
  async function drive(ctx: PlayerContext, host: FakeHostDoc): Promise<void> {
    const hostname = host.spec.hostname;
    busy.add(hostname);
    try {
      while (!ctx.signal.aborted && latest.has(hostname)) {
        const bmh = latest.get(hostname)!;
        latest.delete(hostname);
        const patched = await step(ctx, host, bmh);
        if (!patched) continue;
        const version = Number(patched.metadata.resourceVersion);
        patchedVersion.set(hostname, version);
        // Go on from the patch's answer, unless an event newer than it came meanwhile.
        const queued = latest.get(hostname);
        if (!queued || Number(queued.metadata.resourceVersion) < version) latest.set(hostname, patched);
      }
    } catch (err) {
      if (!ctx.signal.aborted) ctx.log(`runner: ${hostname}: playing its Bare Metal Operator: ${(err as Error).message}`);
    } finally {
      busy.delete(hostname);
    }
  }

  return {
    name: BMO_PLAYER,
    onBareMetalHost(ctx, host, _record, bmh) {
      const hostname = host.spec.hostname;
      // An event older than our last patch shows the host before it.
      if (Number(bmh.metadata.resourceVersion) < (patchedVersion.get(hostname) ?? 0)) return;
      latest.set(hostname, bmh);
      if (!busy.has(hostname)) void drive(ctx, host);
    },
  };
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
