// The service's state names (Agent and AgentClusterInstall `status.debugInfo.state`, upstream
// internal/host and internal/cluster state machines) and what they mean to the runner.
import type { Milestone } from '../report/types.ts';
import { condition, type HubObject } from './hub.ts';

/** The milestone an Agent state marks, if any. */
export function hostMilestone(state: string, stage: string | null): Milestone | null {
  if (state === 'installed' || stage === 'Done') return 'installed';
  if (state === 'installing' || state === 'installing-in-progress' || state === 'installing-pending-user-action') return 'installing';
  if (state === 'known' || state === 'known-unbound') return 'known';
  return null;
}

export function hostFailed(state: string): boolean {
  return state === 'error' || state === 'cancelled';
}

/** Installing far enough that the cluster's dry-run controller has work to do. */
export function clusterInstalling(state: string): boolean {
  return ['installing', 'installing-pending-user-action', 'finalizing'].includes(state);
}

export function clusterInstalled(aci: HubObject): boolean {
  const state = aci.status?.debugInfo?.state ?? '';
  const completed = condition(aci, 'Completed');
  return state === 'installed' || (completed?.status === 'True' && completed.reason === 'InstallationCompleted')
    || (state === 'adding-hosts' && completed?.status === 'True');
}

export function clusterFailed(aci: HubObject): boolean {
  const state = aci.status?.debugInfo?.state ?? '';
  return state === 'error' || state === 'cancelled' || condition(aci, 'Failed')?.status === 'True';
}
