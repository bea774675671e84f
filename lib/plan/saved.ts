// Saved plans: `plan --out FILE` writes the plan as JSON; `apply FILE` loads it and refuses
// when what it was made from changed since: dist/, the config, the pull secret, the objects on
// the hub (resourceVersions, the hub patches' targets included), the containers on the engines.
import { readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../config/errors.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import type { HubClient } from '../hub/client.ts';
import { swarmLabels } from '../swarm/labels.ts';
import { containerFingerprint } from './containers.ts';
import { desiredObjects, usedNamespaces } from './desired.ts';
import { targetVersions } from './hub-patches.ts';
import { liveFingerprint, observeHub } from './live.ts';
import { hashDist, hashFile } from './provenance.ts';
import type { PullSecrets } from './pull-secret.ts';
import { PLAN_FORMAT, type Plan } from './types.ts';

export function savePlan(plan: Plan, file: string): void {
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
}

export function loadPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read plan ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch {
    throw new UserError(`${file} is not a saved plan (not JSON): make one with \`npm run plan -- --out ${file}\``);
  }
  if (plan?.format !== PLAN_FORMAT) {
    throw new UserError(`${file} is not a saved plan of this version (format ${JSON.stringify(plan?.format)}, expected ${PLAN_FORMAT})`);
  }
  // Saved before hub patches were planned: it has none.
  plan.hubPatches ??= [];
  plan.summary.hubPatches ??= { patch: 0, restore: 0, unchanged: 0, blocked: 0 };
  return plan;
}

/** Differences between two fingerprints, in words ("Secret ns/name: changed"). */
function differences(kind: string, saved: Record<string, string | null>, now: Record<string, string | null>): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(saved), ...Object.keys(now)])) {
    const a = saved[key] ?? null;
    const b = now[key] ?? null;
    if (a === b) continue;
    if (a === null) out.push(`${kind}${key}: appeared`);
    else if (b === null) out.push(`${kind}${key}: is gone`);
    else out.push(`${kind}${key}: changed`);
  }
  return out.sort();
}

export interface FreshnessContext {
  hub: HubClient;
  engines: ContainerEngine;
  secrets: PullSecrets;
  /** The config file apply was given; checked against the plan's config hash when it has one. */
  configFile?: string;
}

/** Throws, saying what changed, unless dist/, the pull secret, the hub and the engines are as the plan saw them. */
export async function checkFresh(plan: Plan, ctx: FreshnessContext): Promise<void> {
  const stale: string[] = [];
  if (plan.hub.server !== ctx.hub.server) stale.push(`the plan is for hub ${plan.hub.server}, not ${ctx.hub.server}`);
  let desired: ReturnType<typeof desiredObjects> = [];
  if (plan.mode === 'apply') {
    if (!plan.dist) throw new UserError('the saved plan names no dist/ folder');
    if (hashDist(plan.dist) !== plan.fingerprints.dist) stale.push(`${plan.dist}/ changed since the plan was made`);
    if (plan.fingerprints.config && ctx.configFile && hashFile(ctx.configFile) !== plan.fingerprints.config) {
      stale.push(`the config ${ctx.configFile} changed since the plan was made (or is another file): synthesize and plan again`);
    }
    desired = desiredObjects(plan.dist, plan.swarm, ctx.secrets);
    if (ctx.secrets.fingerprint() !== plan.fingerprints.inputs) stale.push('the pull secret\'s value changed (or became readable or unreadable)');
  }
  const [live, containers, targets] = await Promise.all([
    observeHub(ctx.hub, plan.swarm, desired.map((d) => d.object)),
    ctx.engines.list(swarmLabels(plan.swarm)),
    targetVersions(ctx.hub, plan.hubPatches),
  ]);
  const liveNow = { ...liveFingerprint(live, usedNamespaces(desired.map((d) => d.object))), ...targets };
  stale.push(...differences('', plan.fingerprints.live, liveNow));
  stale.push(...differences('container ', plan.fingerprints.containers, containerFingerprint(containers)));
  if (stale.length) {
    const shown = stale.slice(0, 20).map((s) => `  ${s}`).join('\n') + (stale.length > 20 ? `\n  … ${stale.length - 20} more` : '');
    throw new UserError(`the saved plan is out of date: what it was made from changed since (${plan.createdAt}):\n${shown}\nmake a new plan: npm run plan -- --out FILE`);
  }
}
