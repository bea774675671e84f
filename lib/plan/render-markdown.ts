// A plan as Markdown for a pull-request comment: the summary first, deletions in a caution
// box, hub patches of objects the swarm does not own right after (an important box, each
// target's fields and drift as a `diff` block), updates with their field trees as `diff` blocks, creates folded away, provenance last.
// GitHub cuts comments at 65,536 characters, so long lists are cut with a count.
import {
  containerLine, driftLine, fieldDiffLines, hubPatchesTitle, hubPatchState, plural, sourceLine, startsByOwner, summaryLine, workloadWords,
} from './render-parts.ts';
import { isEmptyPlan, type ObjectChange, type Plan } from './types.ts';

export interface MarkdownOptions {
  /** Creates listed up to this many (default 300). */
  maxCreates?: number;
  /** Updates shown with fields up to this many (default 100). */
  maxUpdates?: number;
}

/** Inline code that survives backticks in the text. */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

function diffBlock(c: ObjectChange): string[] {
  const lines = ['```diff'];
  for (const note of c.notes ?? []) lines.push(`# ${note}`);
  for (const conflict of c.conflicts ?? []) lines.push(`! ${conflict.field} is owned by "${conflict.manager}"`);
  lines.push(...fieldDiffLines(c.fields ?? []), '```');
  return lines;
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxCreates = options.maxCreates ?? 300;
  const maxUpdates = options.maxUpdates ?? 100;
  const out: string[] = [];
  out.push(`### assisted-swarm ${plan.mode === 'destroy' ? 'destroy plan' : 'plan'}: ${code(plan.swarm)}`, '');
  const words = workloadWords(plan);
  out.push(`**${summaryLine(plan.summary, words)}**`, '');
  if (isEmptyPlan(plan)) out.push('No changes: the hub and the engines already match.', '');

  const deletes = plan.objects.filter((c) => c.action === 'delete');
  const stops = plan.containers.filter((c) => c.action === 'stop');
  if (deletes.length || stops.length) {
    out.push('> [!CAUTION]');
    if (deletes.length) {
      out.push(`> **${plural(deletes.length, 'object')} will be deleted:**`);
      for (const c of deletes.slice(0, 200)) out.push(`> - ${code(c.key)}`);
      if (deletes.length > 200) out.push(`> - … ${deletes.length - 200} more`);
    }
    if (stops.length) {
      out.push(`> **${plural(stops.length, words.one)} will be ${words.stopped.toLowerCase()}:**`);
      for (const c of stops.slice(0, 50)) out.push(`> - ${code(containerLine(c, words))}`);
      if (stops.length > 50) out.push(`> - … ${stops.length - 50} more`);
    }
    out.push('');
  }
  if (plan.hubPatches.length) {
    const changing = (h: (typeof plan.hubPatches)[number]) => h.action === 'patch' || h.action === 'restore';
    const n = plan.hubPatches.filter(changing).length;
    const what = plan.mode === 'destroy' ? 'put back as they were before the swarm patched them' : 'patched (destroy puts back what was there)';
    out.push(`#### ${hubPatchesTitle(plan)}`, '', '> [!IMPORTANT]', `> **${plural(n, 'hub object')} the swarm does not own will be ${what}.**`, '');
    for (const h of plan.hubPatches) {
      const state = hubPatchState(h);
      const sign = changing(h) ? '~' : h.action === 'blocked' ? '✗' : '=';
      out.push(`**${sign} ${code(h.key)}** — ${h.patches.map((p) => code(p.file)).join(', ')}${state ? `: ${state}` : ''}`, '');
      if (!changing(h) && !h.drift.length) continue;
      out.push('```diff', ...h.patches.map((p) => `# ${p.what}`), ...h.drift.map((d) => `! ${driftLine(d, plan)}`));
      if (changing(h)) out.push(...(h.notes ?? []).map((note) => `# ${note}`), ...fieldDiffLines(h.fields));
      out.push('```', '');
    }
  }
  if (plan.blockers.length) {
    out.push('> [!WARNING]', '> **Apply refuses until these are fixed:**');
    for (const b of plan.blockers) out.push(`> - ${b}`);
    out.push('');
  }
  if (plan.warnings.length) {
    out.push('> [!NOTE]');
    for (const w of plan.warnings) out.push(`> - ${w}`);
    out.push('');
  }

  const updates = plan.objects.filter((c) => c.action === 'update');
  if (updates.length) {
    out.push(`#### ${plural(updates.length, 'object')} to update`, '');
    for (const c of updates.slice(0, maxUpdates)) out.push(`**~ ${code(c.key)}**`, '', ...diffBlock(c), '');
    if (updates.length > maxUpdates) out.push(`… ${updates.length - maxUpdates} more updates (\`npm run plan -- --json\` lists every one)`, '');
  }

  const creates = plan.objects.filter((c) => c.action === 'create');
  if (creates.length) {
    out.push(`<details><summary>${plural(creates.length, 'object')} to create</summary>`, '');
    for (const c of creates.slice(0, maxCreates)) out.push(`- ${code(c.key)}${c.notes?.length ? ` — ${c.notes.join('; ')}` : ''}`);
    if (creates.length > maxCreates) out.push(`- … ${creates.length - maxCreates} more`);
    out.push('', '</details>', '');
  }

  const cs = plan.containers;
  const starts = cs.filter((c) => c.action === 'start');
  const replaces = cs.filter((c) => c.action === 'replace');
  const onInstall = cs.filter((c) => c.action === 'on-install');
  if (starts.length || replaces.length || onInstall.length) {
    out.push(`#### ${words.title}`, '');
    if (starts.length) out.push(`- ${words.start} ${plural(starts.length, words.one === 'pod' ? 'fake host pod' : 'fake host')}: ${startsByOwner(starts)}`);
    for (const c of replaces.slice(0, 50)) out.push(`- replace ${code(containerLine(c, words))}`);
    if (replaces.length > 50) out.push(`- … ${replaces.length - 50} more to replace`);
    if (onInstall.length) out.push(`- ${plural(onInstall.length, 'dry-run controller')} ${words.start === 'start' ? 'started' : 'created'} when ${onInstall.length === 1 ? 'its cluster installs' : 'their clusters install'}`);
    out.push('');
  }

  out.push(`<sub>hub ${code(plan.hub.server)} (context ${code(plan.hub.context)}) · ${sourceLine(plan)} · ${plan.createdAt}</sub>`);
  return out.join('\n') + '\n';
}
