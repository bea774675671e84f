// Carrying out a plan, and nothing else: objects created and updated in dependency order (a
// wave of kinds at a time, in parallel within a wave), then the hub patches of objects the
// swarm does not own (destroy: put back before the swarm's objects go), containers of the plan
// stopped, objects deleted in the reverse order and waited for until gone (finalizers
// included) or the timeout, which ends in a report of what is stuck. Every step is idempotent: killed and run again, it
// converges.
import { containerLine, workloadWords } from './render-parts.ts';
import { UserError } from '../config/errors.ts';
import type { ContainerEngine } from '../engine/engine.ts';
import type { KubeObject } from '../dist/types.ts';
import { refKey, type HubClient, type ObjectRef } from '../hub/client.ts';
import { swarmLabels, swarmSelector } from '../swarm/labels.ts';
import { desiredObjects } from './desired.ts';
import { foreignObjects, uidsOf } from './foreign.ts';
import { sendHubPatch } from './hub-patches.ts';
import { observeHub } from './live.ts';
import { inWaves } from './kinds.ts';
import type { Progress } from './progress.ts';
import type { PullSecrets } from './pull-secret.ts';
import { hubPatchWork, type ContainerChange, type ObjectChange, type Plan } from './types.ts';

export interface ExecuteContext {
  hub: HubClient;
  engines: ContainerEngine;
  /** dist/ of an apply plan: where the objects to send are read. */
  dist: string | null;
  secrets: PullSecrets;
  progress: Progress;
  /** How long deleted objects may take to be gone. */
  timeoutSeconds: number;
}

export interface ExecuteResult {
  created: number;
  updated: number;
  deleted: number;
  stopped: number;
  /** Hub objects the swarm does not own: patched (apply), put back as they were (destroy). */
  patched: number;
  restored: number;
  /** Namespaces not deleted because they hold others' objects. */
  kept: string[];
}

/** Replaces every secret value in a message (an error from the hub may quote what it got). */
function redact(message: string, secrets: string[]): string {
  return secrets.reduce((m, s) => (s ? m.split(s).join('<redacted>') : m), message);
}

/** Runs one wave in parallel; after all of it settled, throws the first failure (with a count). */
async function settleWave<T>(items: T[], run: (item: T) => Promise<void>, secrets: PullSecrets): Promise<void> {
  const results = await Promise.allSettled(items.map(run));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed.length) return;
  const first = failed[0]!.reason as Error;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more failed in the same step)` : '';
  const message = redact(`${first.message}${more}`, secrets.secrets());
  throw first instanceof UserError ? new UserError(message, first.exitCode) : new Error(message);
}

async function applyObjects(plan: Plan, ctx: ExecuteContext, result: ExecuteResult): Promise<void> {
  const changes = plan.objects.filter((c) => c.action !== 'delete');
  if (!changes.length) return;
  if (!ctx.dist) throw new UserError('this plan creates or updates objects but names no dist/ folder');
  const swarmDesired = new Map(desiredObjects(ctx.dist, plan.swarm, ctx.secrets).map((d) => [d.key, d]));
  const objects = changes.map((c) => {
    const d = swarmDesired.get(c.key);
    if (!d) throw new UserError(`${c.key} is in the plan but not in ${ctx.dist}/: run plan again`);
    if (d.unreadable) throw d.unreadable;
    return { change: c, object: d.object };
  });
  ctx.progress.begin(objects.length, 'apply');
  for (const wave of inWaves(objects, (o) => o.change.ref.kind)) {
    await settleWave(wave, async ({ change, object }) => {
      await ctx.hub.apply(object, { force: plan.forceConflicts });
      result[change.action === 'create' ? 'created' : 'updated']++;
      ctx.progress.step(`${change.action === 'create' ? 'created' : 'updated'} ${change.key}`);
    }, ctx.secrets);
  }
  ctx.progress.end();
}

async function sendHubPatches(plan: Plan, ctx: ExecuteContext, result: ExecuteResult): Promise<void> {
  const changes = hubPatchWork(plan);
  if (!changes.length) return;
  const restoring = plan.mode === 'destroy';
  ctx.progress.begin(changes.length, restoring ? 'restore hub patches' : 'hub patches');
  await settleWave(changes, async (c) => {
    await sendHubPatch(ctx.hub, c);
    result[restoring ? 'restored' : 'patched']++;
    ctx.progress.step(`${restoring ? 'put back what the swarm\'s patches changed on' : 'patched'} ${c.key} (${c.patches.map((p) => p.file).join(', ')})`);
  }, ctx.secrets);
  ctx.progress.end();
}

async function stopContainers(plan: Plan, ctx: ExecuteContext, result: ExecuteResult): Promise<void> {
  // Stops; and controllers to replace: the runner starts controllers but does not replace them.
  const stops = plan.containers.filter((c): c is ContainerChange & { id: string } =>
    !!c.id && (c.action === 'stop' || (c.action === 'replace' && c.component === 'controller')));
  if (stops.length) {
    const words = workloadWords(plan);
    ctx.progress.begin(stops.length, `${words.stop} ${words.one}s`);
    await settleWave(stops, async (c) => {
      await ctx.engines.remove(c.id);
      result.stopped++;
      const done = words.one === 'pod' ? 'deleted' : 'stopped and removed';
      ctx.progress.step(`${c.action === 'replace' ? `${done} (to be replaced)` : done} ${words.one === 'pod' ? '' : 'container '}${containerLine(c, words)}`);
    }, ctx.secrets);
    ctx.progress.end();
  }
  // What the engines made besides the containers (a Kubernetes target's launch Secrets) goes with them.
  if (plan.mode === 'destroy') for (const what of await ctx.engines.sweep(swarmLabels(plan.swarm))) ctx.progress.step(`removed ${what}`);
}

/** What still stands of `refs`, by listing their kinds with the swarm's selector. */
async function stillThere(hub: HubClient, swarm: string, refs: ObjectRef[]): Promise<KubeObject[]> {
  const keys = new Set(refs.map(refKey));
  const kinds = [...new Map(refs.map((r) => [`${r.apiVersion}/${r.kind}`, r])).values()];
  const lists = await Promise.all(kinds.map((k) => hub.list(k.apiVersion, k.kind, { labelSelector: swarmSelector(swarm) })));
  return lists.flat().filter((o) => keys.has(refKey(o)));
}

function describeStuck(obj: KubeObject): string {
  const meta = obj.metadata as { deletionTimestamp?: string; finalizers?: string[] };
  const finalizers = [...(meta.finalizers ?? []), ...((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [])];
  const since = meta.deletionTimestamp ? `deleting since ${meta.deletionTimestamp}` : 'not being deleted';
  return `${refKey(obj)} (${since}${finalizers.length ? `; finalizers: ${finalizers.join(', ')}` : ''})`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(plan: Plan, refs: ObjectRef[], deadline: number, ctx: ExecuteContext): Promise<void> {
  let pause = 250;
  let lastNote = Date.now();
  for (;;) {
    const left = await stillThere(ctx.hub, plan.swarm, refs);
    if (!left.length) return;
    if (Date.now() >= deadline) {
      throw new UserError(
        `${left.length} deleted object${left.length === 1 ? ' is' : 's are'} still there after ${ctx.timeoutSeconds} s ` +
        `(the hub's controllers finish a deletion; something may hold it):\n` +
        left.map((o) => `  ${describeStuck(o)}`).join('\n') +
        '\nrun the command again to keep waiting, or see why the finalizers stay',
      );
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      ctx.progress.note(`waiting for ${left.length} object${left.length === 1 ? '' : 's'} to be gone: ${left.slice(0, 3).map(refKey).join(', ')}${left.length > 3 ? ', …' : ''}`);
    }
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(2000, pause * 2);
  }
}

async function deleteObjects(plan: Plan, ctx: ExecuteContext, result: ExecuteResult): Promise<void> {
  const deletes = plan.objects.filter((c) => c.action === 'delete');
  if (!deletes.length) return;
  const deadline = Date.now() + ctx.timeoutSeconds * 1000;
  // What the swarm's objects own (the service's per-cluster Secrets) goes with their namespace,
  // even once the owners are deleted: their uids are taken before anything is.
  const ourUids = uidsOf((await observeHub(ctx.hub, plan.swarm)).labeled.values());
  ctx.progress.begin(deletes.length, 'delete');
  for (const wave of inWaves(deletes, (c) => c.ref.kind, true)) {
    let go: ObjectChange[] = wave;
    const namespaces = wave.filter((c) => c.ref.kind === 'Namespace').map((c) => c.ref.name);
    if (namespaces.length) {
      // Looked at again right before: someone may have put something there since the plan.
      const foreign = await foreignObjects(ctx.hub, plan.swarm, namespaces, ourUids);
      go = wave.filter((c) => !(c.ref.kind === 'Namespace' && foreign.has(c.ref.name)));
      for (const [ns, others] of foreign) {
        result.kept.push(ns);
        ctx.progress.step(`kept Namespace ${ns}: it holds objects that are not this swarm's (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`);
      }
    }
    await settleWave(go, async (c) => {
      const existed = await ctx.hub.delete(c.ref);
      result.deleted++;
      ctx.progress.step(`${existed ? 'deleted' : 'already gone:'} ${c.key}`);
    }, ctx.secrets);
    await waitGone(plan, go.map((c) => c.ref), deadline, ctx);
  }
  ctx.progress.end();
}

/** Carries out `plan`; throws (a UserError where the message says it all) at the first failed step. */
export async function executePlan(plan: Plan, ctx: ExecuteContext): Promise<ExecuteResult> {
  if (plan.blockers.length) {
    throw new UserError(`the plan has ${plan.blockers.length} blocker${plan.blockers.length === 1 ? '' : 's'}; nothing was changed:\n${plan.blockers.map((b) => `  ${b}`).join('\n')}`);
  }
  const result: ExecuteResult = { created: 0, updated: 0, deleted: 0, stopped: 0, patched: 0, restored: 0, kept: [] };
  if (plan.mode === 'destroy') {
    // Fake hosts first, so that nothing talks to the service about clusters being deleted.
    await stopContainers(plan, ctx, result);
    // Before the swarm's objects go: what points at them (the service's settings) first.
    await sendHubPatches(plan, ctx, result);
    await deleteObjects(plan, ctx, result);
  } else {
    await applyObjects(plan, ctx, result);
    await sendHubPatches(plan, ctx, result);
    await stopContainers(plan, ctx, result);
    await deleteObjects(plan, ctx, result);
  }
  return result;
}
