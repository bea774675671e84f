// What the text and Markdown renderings share: field changes as a tree down to the changed
// leaf, the summary line, where the plan comes from, how hub patches and their drift read. The tree:
//   spec
//     networking
//       machineNetwork
//         [0]
//           cidr: "192.168.0.0/26" → "192.168.0.64/26"
import { fieldPath } from '../config/errors.ts';
import { podName } from '../swarm/kubernetes.ts';
import type { ContainerChange, DriftedField, FieldChange, HubPatchChange, Plan, PlanSummary } from './types.ts';

export interface TreeLine {
  depth: number;
  /** A field on the way to a change, or the changed field with its values. */
  text: string;
  /** Set on the changed leaf. */
  op?: FieldChange['op'];
  /** For a change that is not sensitive: the leaf with its old value, and with its new one. */
  before?: string;
  after?: string;
}

const segment = (s: string | number) => (typeof s === 'number' ? `[${s}]` : s);

/** A value in one line: JSON, long ones cut (the path says what changed). */
export function formatValue(value: unknown, max = 160): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

function leafText(change: FieldChange): string {
  const name = segment(change.path[change.path.length - 1] ?? '(object)');
  if (change.sensitive) return `${name}: (sensitive value changed)`;
  if (change.op === 'add') return `${name}: ${formatValue(change.after)}`;
  if (change.op === 'remove') return `${name}: ${formatValue(change.before)}`;
  return `${name}: ${formatValue(change.before)} → ${formatValue(change.after)}`;
}

export function fieldTree(fields: FieldChange[]): TreeLine[] {
  const lines: TreeLine[] = [];
  let open: (string | number)[] = [];
  for (const change of fields) {
    const parents = change.path.slice(0, -1);
    let common = 0;
    while (common < parents.length && common < open.length && parents[common] === open[common]) common++;
    for (let i = common; i < parents.length; i++) lines.push({ depth: i, text: segment(parents[i]!) });
    const line: TreeLine = { depth: parents.length, text: leafText(change), op: change.op };
    if (change.op === 'change' && !change.sensitive) {
      const name = segment(change.path[change.path.length - 1] ?? '(object)');
      line.before = `${name}: ${formatValue(change.before)}`;
      line.after = `${name}: ${formatValue(change.after)}`;
    }
    lines.push(line);
    open = parents;
  }
  return lines;
}

/** The field tree as indented text lines, each changed leaf behind `sign(op)` ("+ ", "- ", "~ "). */
export function fieldTreeLines(fields: FieldChange[], sign: (op: FieldChange['op']) => string): string[] {
  return fieldTree(fields).map((line) => `${'  '.repeat(line.depth)}${line.op ? sign(line.op) : ''}${line.text}`);
}

/** The field tree as the body of a Markdown `diff` block: a change as its old line and its new one. */
export function fieldDiffLines(fields: FieldChange[]): string[] {
  return fieldTree(fields).flatMap((line) => {
    const indent = '  '.repeat(line.depth);
    if (line.op === 'change' && line.before !== undefined) return [`- ${indent}${line.before}`, `+ ${indent}${line.after}`];
    return [`${line.op === 'add' ? '+' : line.op === 'remove' ? '-' : line.op ? '!' : ' '} ${indent}${line.text}`];
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How a plan speaks of what the hosts run as: Docker containers are started and stopped, pods created and deleted. */
export interface WorkloadWords {
  one: 'container' | 'pod';
  title: 'Containers' | 'Pods';
  start: 'start' | 'create';
  stop: 'stop' | 'delete';
  /** A stop, in the warning before it. */
  stopped: 'STOPPED and removed' | 'DELETED';
}

export function workloadWords(plan: Pick<Plan, 'workloads'>): WorkloadWords {
  return plan.workloads?.kind === 'pods'
    ? { one: 'pod', title: 'Pods', start: 'create', stop: 'delete', stopped: 'DELETED' }
    : { one: 'container', title: 'Containers', start: 'start', stop: 'stop', stopped: 'STOPPED and removed' };
}

/** "Plan: 12 to create, 1 to update, 0 to delete; 40 containers to start" (+ replace/stop, hub objects to patch or put back, when any). */
export function summaryLine(s: PlanSummary, words: WorkloadWords = workloadWords({})): string {
  const c = s.containers;
  const containers = [`${plural(c.start, words.one)} to ${words.start}`];
  if (c.replace) containers.push(`${c.replace} to replace`);
  if (c.stop) containers.push(`${c.stop} to ${words.stop}`);
  const h = s.hubPatches;
  const hub = h?.patch ? `; ${plural(h.patch, 'hub object')} the swarm does not own to patch` : h?.restore ? `; ${plural(h.restore, 'hub object')} the swarm does not own to put back` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete; ${containers.join(', ')}${hub}`;
}

/** The heading of a plan's hub patches. */
export const hubPatchesTitle = (plan: Plan) =>
  plan.mode === 'destroy' ? 'Hub patches to put back (objects the swarm does not own)' : 'Hub patches (objects the swarm does not own)';

/** "AgentServiceConfig agent (patches/agent-service-config.yaml)" */
export const hubPatchLine = (h: HubPatchChange) => `${h.key} (${h.patches.map((p) => p.file).join(', ')})`;

/** What a hub patch's target gets, in words: "no change", or why it is blocked. */
export function hubPatchState(h: HubPatchChange): string | null {
  if (h.action === 'unchanged') return 'no change: already as the patch says';
  if (h.action === 'blocked') return `blocked: ${(h.notes ?? []).join('; ')}`;
  return null;
}

/** A field's value in a sentence: short JSON, or "(absent)". */
export const shown = (v: unknown) => (v === undefined ? '(absent)' : formatValue(v, 80));

/** "DRIFT spec.replicas changed since assisted-swarm applied it: now 3, patch says 0" */
export function driftLine(d: DriftedField, plan: Plan): string {
  const head = `DRIFT ${fieldPath(d.path)} changed since assisted-swarm applied it: now ${shown(d.now)}`;
  if (plan.mode === 'destroy') {
    return `${head}, assisted-swarm set ${shown(d.applied)}: ${plan.forceConflicts ? `put back to ${shown(d.wanted)} (--force-conflicts)` : `left as it is (--force-conflicts puts back ${shown(d.wanted)})`}`;
  }
  return `${head}, patch says ${shown(d.wanted)}${plan.forceConflicts ? ': overwritten (--force-conflicts)' : ''}`;
}

export { plural };

/** "dist/ (sha256 3f2a9c1e), git 0cda8fe on main, uncommitted changes" */
export function sourceLine(plan: Plan): string {
  const parts: string[] = [];
  if (plan.dist !== null) parts.push(`${plan.dist}/ (sha256 ${plan.fingerprints.dist?.slice(0, 12)})`);
  const p = plan.provenance;
  if (p.commit) parts.push(`git ${p.commit.slice(0, 12)}${p.branch ? ` on ${p.branch}` : ''}${p.dirty ? ', uncommitted changes' : ''}`);
  else parts.push('not in a git repository');
  return parts.join(', ');
}

/** Fake hosts to start, counted by cluster or pool: "cluster/sno-1 (1), pool/spare (3)". */
export function startsByOwner(starts: ContainerChange[], max = 12): string {
  const counts = new Map<string, number>();
  for (const c of starts) counts.set(c.owner ?? '(no owner)', (counts.get(c.owner ?? '(no owner)') ?? 0) + 1);
  const parts = [...counts].map(([owner, n]) => `${owner} (${n})`);
  return parts.slice(0, max).join(', ') + (parts.length > max ? `, … ${parts.length - max} more` : '');
}

/** The swarm's engines' container (or pod, by its name) a change is about, as one line. */
export function containerLine(c: ContainerChange, words: WorkloadWords = workloadWords({})): string {
  return `${words.one === 'pod' ? `pod ${podName(c.name)}` : c.name}${c.engine ? ` on ${c.engine}` : ''}${c.reason ? ` (${c.reason})` : ''}`;
}
