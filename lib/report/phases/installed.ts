// From the container's start to the Agent's first `installed` milestone.
import type { Phase } from './phase.ts';

export const installedPhase: Phase = { id: 'start-to-installed', title: 'container start → installed', from: 'containerStarted', to: 'installed' };
