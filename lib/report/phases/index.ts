// The phases the report measures, in the order it shows them.
import { registeredPhase } from './registered.ts';
import { knownPhase } from './known.ts';
import { installingPhase } from './installing.ts';
import { installedPhase } from './installed.ts';
import type { Phase } from './phase.ts';

export const PHASES: Phase[] = [registeredPhase, knownPhase, installingPhase, installedPhase];
export { measure, type Phase, type PhaseResult } from './phase.ts';
