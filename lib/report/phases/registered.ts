// From the container's start to the Agent's first `registered` milestone.
import type { Phase } from './phase.ts';

export const registeredPhase: Phase = { id: 'start-to-registered', title: 'container start → registered', from: 'containerStarted', to: 'registered' };
