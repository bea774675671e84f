// A plan as terminal text, AWS CDK diff-like: one line per object ([+] create, [~] update with
// its field tree, [-] delete), the containers, the hub patches of objects the swarm does not own
// (in red, like deletions: they change what is not the swarm's), warnings, blockers, deletions
// again in a block of their own so they can't be missed, and a terraform-like summary line last.
import {
  containerLine, driftLine, fieldTreeLines, hubPatchesTitle, hubPatchLine, hubPatchState, plural, sourceLine, startsByOwner, summaryLine, workloadWords,
} from './render-parts.ts';
import { podName } from '../swarm/kubernetes.ts';
import { isEmptyPlan, type ObjectChange, type Plan } from './types.ts';

export interface TextOptions {
  /** ANSI colors (a terminal). */
  color?: boolean;
  /** Creates listed one by one up to this many; the rest are counted (default 200). */
  maxCreates?: number;
  /** Container replaces and stops listed up to this many (default 50). */
  maxContainers?: number;
}

const ANSI = { green: 32, yellow: 33, red: 31, bold: 1, dim: 2 } as const;

export function renderText(plan: Plan, options: TextOptions = {}): string {
  const paint = (style: keyof typeof ANSI, s: string) => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const maxCreates = options.maxCreates ?? 200;
  const maxContainers = options.maxContainers ?? 50;
  const out: string[] = [];
  const title = plan.mode === 'destroy' ? 'destroy plan' : 'plan';
  out.push(paint('bold', `assisted-swarm ${title}: swarm "${plan.swarm}"`));
  out.push(`  hub:  ${plan.hub.server} (context ${plan.hub.context})`);
  out.push(`  from: ${sourceLine(plan)}`);
  const words = workloadWords(plan);
  if (plan.workloads) out.push(`  hosts: ${words.one}s on ${plan.workloads.engines}`);
  out.push('');

  const mark = { create: paint('green', '[+]'), update: paint('yellow', '[~]'), delete: paint('red', '[-]') };
  const sign = (op: string) => (op === 'add' ? paint('green', '+ ') : op === 'remove' ? paint('red', '- ') : paint('yellow', '~ '));
  const objectLines = (c: ObjectChange) => {
    const lines = [`  ${mark[c.action]} ${c.action === 'delete' ? paint('red', c.key) : c.key}`];
    for (const note of c.notes ?? []) lines.push(`      # ${note}`);
    for (const conflict of c.conflicts ?? []) lines.push(`      ! ${conflict.field} is owned by "${conflict.manager}"`);
    for (const line of fieldTreeLines(c.fields ?? [], sign)) lines.push(`      ${line}`);
    return lines;
  };

  if (plan.objects.length) {
    out.push('Objects:');
    const creates = plan.objects.filter((c) => c.action === 'create');
    for (const c of creates.slice(0, maxCreates)) out.push(...objectLines(c));
    if (creates.length > maxCreates) out.push(`  ${mark.create} … ${creates.length - maxCreates} more to create (--json lists every one)`);
    for (const c of plan.objects.filter((c) => c.action !== 'create')) out.push(...objectLines(c));
    out.push('');
  }

  const cs = plan.containers;
  const starts = cs.filter((c) => c.action === 'start');
  const others = cs.filter((c) => c.action === 'replace' || c.action === 'stop');
  const onInstall = cs.filter((c) => c.action === 'on-install');
  if (cs.length) {
    out.push(`${words.title}:`);
    if (starts.length) out.push(`  ${mark.create} ${words.start} ${plural(starts.length, words.one === 'pod' ? 'fake host pod' : 'fake host')}: ${startsByOwner(starts)}`);
    for (const c of others.slice(0, maxContainers)) {
      out.push(`  ${c.action === 'replace' ? mark.update : mark.delete} ${c.action === 'replace' ? 'replace' : words.stop} ${containerLine(c, words)}`);
    }
    if (others.length > maxContainers) out.push(`  … ${others.length - maxContainers} more to replace or ${words.stop} (--json lists every one)`);
    if (onInstall.length) out.push(`  · ${plural(onInstall.length, 'dry-run controller')} ${words.start === 'start' ? 'started' : 'created'} when ${onInstall.length === 1 ? 'its cluster installs' : 'their clusters install'}`);
    out.push('');
  }

  if (plan.hubPatches.length) {
    out.push(paint('red', paint('bold', `!! ${hubPatchesTitle(plan)}:`)));
    const hubMark = { patch: mark.update, restore: mark.update, unchanged: '[=]', blocked: paint('red', '[✗]') };
    for (const h of plan.hubPatches) {
      const state = hubPatchState(h);
      out.push(`  ${hubMark[h.action]} ${paint('red', hubPatchLine(h))}${state ? `: ${state}` : ''}`);
      if (h.action !== 'unchanged') for (const p of h.patches) out.push(`      # ${p.what}`);
      for (const d of h.drift) out.push(`      ${paint('red', '!')} ${driftLine(d, plan)}`);
      if (h.action === 'patch' || h.action === 'restore') {
        for (const note of h.notes ?? []) out.push(`      # ${note}`);
        for (const line of fieldTreeLines(h.fields, sign)) out.push(`      ${line}`);
      }
    }
    out.push('');
  }

  if (plan.warnings.length) {
    out.push('Warnings:');
    for (const w of plan.warnings) out.push(`  ${paint('yellow', '!')} ${w}`);
    out.push('');
  }
  if (plan.blockers.length) {
    out.push(paint('red', 'Blockers (apply refuses until these are fixed):'));
    for (const b of plan.blockers) out.push(`  ${paint('red', '✗')} ${b}`);
    out.push('');
  }

  const deletes = plan.objects.filter((c) => c.action === 'delete');
  const stops = cs.filter((c) => c.action === 'stop');
  if (deletes.length || stops.length) {
    const what = [deletes.length ? `${plural(deletes.length, 'object')} will be DELETED` : '', stops.length ? `${plural(stops.length, words.one)} will be ${words.stopped}` : ''].filter(Boolean);
    out.push(paint('red', paint('bold', `!! ${what.join('; ')}:`)));
    for (const c of deletes) out.push(`  ${mark.delete} ${paint('red', c.key)}`);
    if (stops.length) out.push(`  ${mark.delete} ${paint('red', `${words.one}s: ${stops.slice(0, 10).map((c) => (words.one === 'pod' ? podName(c.name) : c.name)).join(', ')}${stops.length > 10 ? `, … ${stops.length - 10} more` : ''}`)}`);
    out.push('');
  }

  if (isEmptyPlan(plan)) out.push(`No changes: the hub and the engines match ${plan.mode === 'destroy' ? 'an empty swarm' : 'dist/'}.`);
  out.push(paint('bold', `${summaryLine(plan.summary, words)}.`));
  return out.join('\n') + '\n';
}
