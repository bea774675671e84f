// Binding, unblocked (docs/upstream-gaps.md, gap 4). When a host is bound to a cluster (or
// unbound), the service answers its next_step_runner with `post_step_action: exit`, and on a real
// host next_step_runner exits and the agent registers again, now in its cluster. In dry mode
// upstream's next_step_runner only ends on the fake reboot, so the agent never registers again
// and the host stays `binding` for ever. This player ends that next_step_runner once per binding
// and lets the agent do the rest, as on a real host. On by default.
import { SHIM_DIR } from '../../images/layer.ts';
import type { HostPlayer } from '../hooks.ts';

export const REBIND_PLAYER = 'rebind';
/** The Agent states in which the service tells next_step_runner to exit. */
const EXIT_STATES = new Set(['binding', 'unbinding']);

/**
 * Ends the host's next_step_runner cleanly (exit 0), as a real one ends when told to exit: the
 * swarm image's podman shim runs it as a child and ends it on USR1 (lib/images/shims/podman);
 * killing it outright would read as a crash, after which the agent waits an hour.
 */
export const END_STEP_RUNNER = [`${SHIM_DIR}/podman`, 'kill', '--signal', 'USR1', 'next-step-runner'];

/** How often, and how many times, to try while the agent has not started next_step_runner yet. */
const RETRY_MS = 2_000;
const ATTEMPTS = 30;

export function rebindPlayer(): HostPlayer {
  /** Each host's latest Agent state; hosts being handled in their current exit state. */
  const latest = new Map<string, string>();
  const handling = new Set<string>();
  return {
    name: REBIND_PLAYER,
    async onAgent(ctx, host, record, agent) {
      const hostname = host.spec.hostname;
      const state = agent.status?.debugInfo?.state ?? '';
      latest.set(hostname, state);
      if (!EXIT_STATES.has(state)) {
        handling.delete(hostname);
        return;
      }
      if (handling.has(hostname) || !record.containerId) return;
      handling.add(hostname);
      for (let attempt = 1; EXIT_STATES.has(latest.get(hostname) ?? '') && !ctx.signal.aborted; attempt++) {
        const { exitCode, output } = await ctx.engine.exec(record.containerId, END_STEP_RUNNER);
        if (exitCode === 0) {
          ctx.note(hostname, 'runner', 'next_step_runner ended', `${state}: dry-run next_step_runner does not exit when told to (gap 4)`);
          return;
        }
        if (attempt === ATTEMPTS) {
          ctx.log(`runner: ${hostname}: could not end its next_step_runner: ${output.trim()}`);
          return;
        }
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    },
  };
}
