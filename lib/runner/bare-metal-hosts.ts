// Watches the swarm's BareMetalHosts (those of the hosts that arrive as one, `boot: 'bmh'`): each
// is matched to its launch-plan host, its provisioning state and image are tracked, and every
// change goes to the players: the Bare Metal Operator's part is played by players/bare-metal.ts.
import type { FakeHostDoc } from '../dist/types.ts';
import { swarmSelector } from '../swarm/labels.ts';
import type { RunContext } from './context.ts';
import type { PlayerContext } from './hooks.ts';
import { BARE_METAL_HOST, watchKind, type HubObject, type Watch } from './hub.ts';
import { refKey } from './plan.ts';

/** Watches nothing (null) when no planned host arrives as a BareMetalHost. */
export async function watchBareMetalHosts(ctx: RunContext, players: PlayerContext): Promise<Watch | null> {
  const hosts = new Map<string, FakeHostDoc>();
  for (const h of ctx.plan.hosts) if (h.spec.bareMetalHost) hosts.set(refKey(h.spec.bareMetalHost), h);
  if (!hosts.size) return null;

  const onBareMetalHost = (bmh: HubObject) => {
    const host = hosts.get(`${bmh.metadata.namespace}/${bmh.metadata.name}`);
    const record = host && ctx.tracker.host(host.spec.hostname);
    if (!host || !record) return;
    const status = bmh.status as { provisioning?: { state?: string }; operationalStatus?: string } | undefined;
    const state = status?.provisioning?.state || 'new';
    ctx.tracker.change(record, 'bmh', state, status?.operationalStatus);
    if ((bmh.spec?.image as { url?: string } | undefined)?.url) ctx.tracker.change(record, 'bmh-image', 'set', 'BMAC set the image URL');
    // Until its container runs, the host's state is its BareMetalHost's (the live progress shows where it waits).
    if (record.state === 'planned' || record.state.startsWith('bmh ')) ctx.tracker.change(record, 'state', `bmh ${state}`);
    for (const player of ctx.hooks.players) {
      Promise.resolve(player.onBareMetalHost?.(players, host, record, bmh)).catch((err: Error) =>
        ctx.log(`runner: player ${player.name} on ${record.hostname}: ${err.message}`));
    }
  };
  return watchKind(ctx.kubeConfig, BARE_METAL_HOST, swarmSelector(ctx.plan.swarm), (obj, deleted) => { if (!deleted) onBareMetalHost(obj); },
    (err) => ctx.log(`runner: ${err.message}`));
}
