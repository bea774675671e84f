// Reading pods as the engine interface sees containers: a pod's one container's state, exit code,
// restarts and the kubelet's reason (ContainerInfo), and what changed between two looks at a pod
// (ContainerEvents: a start, a death, a wait for something such as an image or a node).
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { CONTAINER_ANNOTATION } from '../swarm/kubernetes.ts';
import type { ContainerEvent, ContainerInfo, ContainerState } from './engine.ts';

/** Reasons a container waits that are not trouble: it is being made, or backs off after a death we report. */
const ORDINARY_WAITS = new Set(['ContainerCreating', 'PodInitializing', 'CrashLoopBackOff']);

/** A pod's id for the engine interface: name and uid (a pod made again under its name is another container). */
export const podId = (pod: V1Pod) => `${pod.metadata!.name}/${pod.metadata!.uid}`;
export const podNameOf = (id: string) => id.split('/')[0]!;

/** How the launcher (lib/images/shims/swarm-launch) says it stopped at the restart cap, in its termination message. */
export const RESTART_CAP_MESSAGE = 'assisted-swarm: restart cap reached';

const status = (pod: V1Pod): V1ContainerStatus | undefined => pod.status?.containerStatuses?.[0];
/** The launcher ended at the restart cap (exit 0, so that the kubelet restarts it no more): the crash before is the story. */
const capped = (s: V1ContainerStatus | undefined) => !!s?.state?.terminated?.message?.startsWith(RESTART_CAP_MESSAGE);
/** The exit code of the crash before the cap, as the launcher's message says it ("…, last exit 3)"). */
const cappedExit = (s: V1ContainerStatus | undefined) => {
  const m = /last exit (\d+)/.exec(s?.state?.terminated?.message ?? '');
  return m ? Number(m[1]) : null;
};
const time = (t: Date | string | undefined) => (t ? new Date(t).getTime() : null);
const limitOf = (pod: V1Pod) => Number(pod.spec?.containers[0]?.env?.find((e) => e.name === 'SWARM_RESTART_LIMIT')?.value ?? Infinity);

/** Why a pod does not run: not scheduled, an image not pulled, the container not made. */
export function waitingReason(pod: V1Pod): { reason: string; message: string } | null {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return { reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message ?? '' };
  const waiting = status(pod)?.state?.waiting;
  if (waiting?.reason && !ORDINARY_WAITS.has(waiting.reason)) return { reason: waiting.reason, message: waiting.message ?? '' };
  return null;
}

export function podInfo(pod: V1Pod, engine: string): ContainerInfo {
  const s = status(pod);
  const cap = capped(s);
  // The launcher's start over the cap ran nothing: not a restart of the program.
  const restarts = Math.max(0, (s?.restartCount ?? 0) - (cap ? 1 : 0));
  const terminated = s?.state?.terminated ?? (s?.state?.waiting ? s.lastState?.terminated : undefined);
  let state: ContainerState;
  if (pod.metadata?.deletionTimestamp) state = 'removing';
  else if (s?.state?.running) state = 'running';
  else if (cap) state = 'exited';
  else if (terminated) {
    // Ended for good: exit 0 (never restarted), or a crash once the restart cap is spent.
    state = terminated.exitCode === 0 || pod.status?.phase === 'Failed' || restarts >= limitOf(pod) ? 'exited' : 'restarting';
  } else state = 'created';
  const why = waitingReason(pod);
  return {
    id: podId(pod),
    name: pod.metadata?.annotations?.[CONTAINER_ANNOTATION] ?? pod.metadata!.name!,
    engine,
    image: pod.spec?.containers[0]?.image ?? '',
    labels: pod.metadata?.labels ?? {},
    state,
    exitCode: cap ? cappedExit(s) : state === 'running' || !terminated ? null : terminated.exitCode,
    restartCount: restarts,
    startedAt: time(s?.state?.running?.startedAt),
    ...(why ? { reason: why.reason } : terminated?.reason && terminated.reason !== 'Completed' && terminated.reason !== 'Error' ? { reason: terminated.reason } : {}),
  };
}

/** What happened to a pod's container since `before` (null: first seen). */
export function podEvents(before: V1Pod | null, after: V1Pod, engine: string): ContainerEvent[] {
  const base = {
    id: podId(after), name: after.metadata?.annotations?.[CONTAINER_ANNOTATION] ?? after.metadata!.name!, engine, labels: after.metadata?.labels ?? {},
  };
  const was = before && podId(before) === podId(after) ? status(before) : undefined;
  const now = status(after);
  const events: ContainerEvent[] = [];
  // A run of the container is told by its containerID: the kubelet's times are in whole seconds,
  // and a container that dies at once is restarted within the same second.
  const runOf = (t: { containerID?: string; startedAt?: Date | string } | undefined, id?: string) => (t ? id ?? t.containerID ?? `at ${time(t.startedAt)}` : null);
  const runsBefore = [
    was?.state?.running ? runOf(was.state.running, was.containerID) : null,
    runOf(was?.lastState?.terminated),
    runOf(was?.state?.terminated),
  ];
  const start = (run: string | null, at: number | null) => {
    if (run !== null && at !== null && !runsBefore.includes(run)) events.push({ ...base, action: 'start', exitCode: null, time: at });
  };
  // Deaths: a terminated state (or last state, after a restart) of a run not seen ended before;
  // not the launcher's end at the restart cap, which ran nothing. A container that dies within
  // a moment is never seen running: its start is told from its end's record.
  for (const t of [now?.lastState?.terminated, capped(now) ? undefined : now?.state?.terminated]) {
    if (!t?.finishedAt) continue;
    const run = runOf(t);
    if (runOf(was?.lastState?.terminated) === run || runOf(was?.state?.terminated) === run) continue;
    start(run, time(t.startedAt));
    events.push({ ...base, action: 'die', exitCode: t.exitCode, time: time(t.finishedAt)!, ...(t.reason && t.reason !== 'Error' && t.reason !== 'Completed' ? { reason: t.reason, message: t.message ?? '' } : {}) });
  }
  // The order pushed is the order lived: the last run's start and end, then this run's.
  if (now?.state?.running) start(runOf(now.state.running, now.containerID), time(now.state.running.startedAt));
  const why = waitingReason(after);
  const whyBefore = before ? waitingReason(before) : null;
  if (why && (why.reason !== whyBefore?.reason || why.message !== whyBefore?.message)) {
    events.push({ ...base, action: 'waiting', exitCode: null, time: Date.now(), reason: why.reason, message: why.message });
  }
  return events;
}
