// From the container's start to the Agent's first `installing` milestone.
import type { Phase } from './phase.ts';

export const installingPhase: Phase = { id: 'start-to-installing', title: 'container start → installing', from: 'containerStarted', to: 'installing' };
