// Binding, unblocked (docs/upstream-gaps.md, gap 4). When a host is bound to a cluster (or
// unbound), the service answers its next_step_runner with `post_step_action: exit`, and on a real
// host next_step_runner exits and the agent registers again, now in its cluster. In dry mode
// upstream's next_step_runner only ends on the fake reboot, so the agent never registers again
// and the host stays `binding` for ever. This player ends that next_step_runner once per binding
// and lets the agent do the rest, as on a real host. On by default.
import type { HostPlayer } from '../hooks.ts';

export const REBIND_PLAYER = 'rebind';
/** The Agent states in which the service tells next_step_runner to exit. */
const EXIT_STATES = new Set(['binding', 'unbinding']);

/**
 * Ends every next_step_runner process of the container. No pkill in every image: the kernel's
 * process name is cut to 15 characters, hence "next_step_runne".
 */
export const END_STEP_RUNNER = [
  'sh', '-c',
  'for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = next_step_runne ] && kill "${p##*/}" && echo "ended ${p##*/}"; done; true',
];

export function rebindPlayer(): HostPlayer {
  /** Hosts whose next_step_runner was ended in their current exit state. */
  const ended = new Set<string>();
  return {
    name: REBIND_PLAYER,
    async onAgent(ctx, host, record, agent) {
      const hostname = host.spec.hostname;
      const state = agent.status?.debugInfo?.state ?? '';
      if (!EXIT_STATES.has(state)) {
        ended.delete(hostname);
        return;
      }
      if (ended.has(hostname) || !record.containerId) return;
      ended.add(hostname);
      const { output } = await ctx.engine.exec(record.containerId, END_STEP_RUNNER);
      ctx.note(hostname, 'runner', 'next_step_runner ended', `${state}: dry-run next_step_runner does not exit when told to (gap 4)${output ? '' : ', none was running'}`);
    },
  };
}
