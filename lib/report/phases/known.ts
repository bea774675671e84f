// From the container's start to the Agent's first `known` milestone.
import type { Phase } from './phase.ts';

export const knownPhase: Phase = { id: 'start-to-known', title: 'container start → known', from: 'containerStarted', to: 'known' };
