// `npm run diff` on a git repository made here: the config at the merge base against the working
// tree (or another ref), run as a user runs it (the CLI, in a process of its own). The change
// between the two commits is known: a cluster added (sno count 1 → 2), a host added (multi
// workers 1 → 2), a label changed (sno agentLabels size small → large); the diff must show
// exactly that, in all three formats. Errors exit 1 and leave no worktree behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { SwarmConfigInput } from '../lib/config/types.ts';
import type { SwarmDiff } from '../lib/diff/types.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const repo = mkdtempSync(join(tmpdir(), 'swarm-diff-test-'));
const git = simpleGit({ baseDir: repo });
const configFile = join(repo, 'swarm.config.ts');

const base: SwarmConfigInput = {
  name: 'difft',
  hub: { serviceNamespace: 'svc' },
  clusters: [
    { name: 'multi', topology: 'multi-node', workers: 1 },
    // Growing a group moves no other group's addresses (each has its own slot).
    { name: 'sno', topology: 'single-node', count: 1, agentLabels: { size: 'small' } },
  ],
};
const changed: SwarmConfigInput = {
  ...base,
  clusters: [
    { name: 'multi', topology: 'multi-node', workers: 2 },
    { name: 'sno', topology: 'single-node', count: 2, agentLabels: { size: 'large' } },
  ],
};

function writeConfig(config: unknown): void {
  writeFileSync(configFile, `export default ${JSON.stringify(config, null, 2)};\n`);
}

async function commit(config: unknown, message: string): Promise<string> {
  writeConfig(config);
  await git.add('.').commit(message);
  return (await git.revparse(['HEAD'])).trim();
}

interface Run { code: number | null; stdout: string; stderr: string }

/** `swarm diff …` as `npm run diff` runs it (cwd: the project), on the test repository's config. */
function diff(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'lib/cli/main.ts'), 'diff', '--config', configFile, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): SwarmDiff {
  const r = diff('--json', ...args);
  assert.ok(r.code === 0 || r.code === 2, `diff --json exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as SwarmDiff;
}

/** unit → "op key" per change, and the field changes of each changed entry: the diff, compactly. */
function shape(d: SwarmDiff) {
  return Object.fromEntries(d.units.map((u) => [`${u.op} ${u.unit}`, u.changes.map((c) => (c.fields ? { [`${c.op} ${c.key}`]: c.fields } : `${c.op} ${c.key}`))]));
}

const tmpLeftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('assisted-swarm-diff-')).sort();
async function assertNoWorktreeLeft(before: string[]): Promise<void> {
  const list = await git.raw(['worktree', 'list', '--porcelain']);
  assert.is(list.split('\n').filter((l) => l.startsWith('worktree ')).length, 1, `worktrees left:\n${list}`);
  assert.equal(tmpLeftovers(), before, 'temporary checkout folders left');
}

const commits: Record<string, string> = {};

test.before(async () => {
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  // The project's patches, so both sides are patched as `npm run synth` patches.
  cpSync(join(ROOT, 'patches'), join(repo, 'patches'), { recursive: true });
  commits.base = await commit(base, 'base');
  await git.checkoutLocalBranch('feature');
  // main moves on after the branch: the default base is still the merge base, not main's tip.
  await git.checkout('main');
  commits.main = await commit({ ...base, pools: [{ name: 'spare', hosts: 2 }] }, 'main moves on');
  await git.checkout('feature');
  commits.feature = await commit(changed, 'the change under review');
});

test.after(() => rmSync(repo, { recursive: true, force: true }));

const ns = (cluster: string) => `difft-${cluster}`;
const expected = {
  'change swarm': [{ 'change LaunchOrder difft': [{ path: ['spec', 'units', 2], op: 'add', after: 'cluster/sno-2' }] }],
  'change cluster/multi-1': [
    { [`change AgentClusterInstall ${ns('multi-1')}/multi-1`]: [{ path: ['spec', 'provisionRequirements', 'workerAgents'], op: 'change', before: 1, after: 2 }] },
    {
      'change ClusterHostsFile multi-1': [{
        path: ['spec', 'hosts', 4], op: 'add',
        after: { hostname: 'multi-1-worker-1', ip: '10.0.0.8', rebootMarkerPath: '/var/lib/assisted-swarm/difft/multi-1/multi-1-worker-1/reboot-marker' },
      }],
    },
    'add FakeHost multi-1-worker-1',
  ],
  'change cluster/sno-1': [{ [`change InfraEnv ${ns('sno-1')}/sno-1`]: [{ path: ['spec', 'agentLabels', 'size'], op: 'change', before: 'small', after: 'large' }] }],
  'add cluster/sno-2': [
    `add Namespace ${ns('sno-2')}`, `add Secret ${ns('sno-2')}/pull-secret`, `add ClusterDeployment ${ns('sno-2')}/sno-2`,
    `add AgentClusterInstall ${ns('sno-2')}/sno-2`, `add InfraEnv ${ns('sno-2')}/sno-2`,
    'add ClusterHostsFile sno-2', 'add DryRunController sno-2', 'add FakeHost sno-2-master-0',
  ],
};
const expectedSummary = {
  clusters: { added: 1, removed: 0, changed: 2 },
  pools: { added: 0, removed: 0, changed: 0 },
  hosts: { added: 2, removed: 0, changed: 0 },
  objects: { added: 5, removed: 0, changed: 2 },
  launch: { added: 2, removed: 0, changed: 2 },
};

test('JSON: from the merge base with main to the working tree, exactly the cluster added, the host added and the label changed', async () => {
  const d = json();
  assert.equal(shape(d), expected);
  assert.equal(d.summary, expectedSummary);
  assert.is(d.config, 'swarm.config.ts');
  assert.is(d.base.commit, commits.base, 'the base is the merge base, not main\'s tip');
  assert.is(d.base.chosen, 'merge base of HEAD and main');
  assert.equal({ workingTree: d.head.workingTree, commit: d.head.commit }, { workingTree: true, commit: commits.feature });
  assert.equal(d.head.provenance, { commit: commits.feature, branch: 'feature', dirty: false });
});

test('text: the sides, each changed unit with its entries and field trees, and the summary line; exit 2', () => {
  const r = diff('--base', 'main~1');
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, [
    'assisted-swarm diff: swarm "difft"',
    '  config: swarm.config.ts',
    `  base:   ${commits.base!.slice(0, 12)} (main~1)`,
    `  head:   working tree (${commits.feature!.slice(0, 12)} on feature)`,
    '',
    '~ swarm',
    '    ~ LaunchOrder difft',
    '        spec',
    '          units',
    '            + [2]: "cluster/sno-2"',
    '~ cluster/multi-1',
    `    ~ AgentClusterInstall ${ns('multi-1')}/multi-1`,
    '        spec',
    '          provisionRequirements',
    '            ~ workerAgents: 1 → 2',
    '    ~ ClusterHostsFile multi-1',
    '        spec',
    '          hosts',
    '            + [4]: {"hostname":"multi-1-worker-1","ip":"10.0.0.8","rebootMarkerPath":"/var/lib/assisted-swarm/difft/multi-1/multi-1-worker-1/reboot-marker"}',
    '    + FakeHost multi-1-worker-1',
    '~ cluster/sno-1',
    `    ~ InfraEnv ${ns('sno-1')}/sno-1`,
    '        spec',
    '          agentLabels',
    '            ~ size: "small" → "large"',
    '+ cluster/sno-2 (added: 5 objects, 1 host, 2 launch entries)',
    `    + Namespace ${ns('sno-2')}`,
    `    + Secret ${ns('sno-2')}/pull-secret`,
    `    + ClusterDeployment ${ns('sno-2')}/sno-2`,
    `    + AgentClusterInstall ${ns('sno-2')}/sno-2`,
    `    + InfraEnv ${ns('sno-2')}/sno-2`,
    '    + ClusterHostsFile sno-2',
    '    + DryRunController sno-2',
    '    + FakeHost sno-2-master-0',
    '',
    'Diff: clusters +1 -0 ~2, hosts +2 -0 ~0, objects +5 -0 ~2, launch entries +2 -0 ~2.',
    '',
  ].join('\n'));
});

test('Markdown: the comment marker, a table of counts, the changed clusters with diff blocks, the added cluster folded', () => {
  const r = diff('--markdown');
  assert.is(r.code, 2, r.stderr);
  const md = r.stdout;
  assert.ok(md.startsWith('<!-- assisted-swarm-diff -->\n### assisted-swarm diff: swarm "difft"\n'), md.slice(0, 200));
  assert.match(md, '**clusters +1 -0 ~2, hosts +2 -0 ~0, objects +5 -0 ~2, launch entries +2 -0 ~2**');
  assert.match(md, [
    '| | added | removed | changed |', '|---|---:|---:|---:|', '| clusters | 1 | 0 | 2 |', '| pools | 0 | 0 | 0 |',
    '| fake hosts | 2 | 0 | 0 |', '| hub objects | 5 | 0 | 2 |', '| launch-plan entries | 2 | 0 | 2 |',
  ].join('\n'));
  assert.match(md, ['**~ `cluster/sno-1`: 1 object changed**', '', `~ \`InfraEnv ${ns('sno-1')}/sno-1\``, '', '```diff', '  spec', '    agentLabels', '-     size: "small"', '+     size: "large"', '```'].join('\n'));
  assert.match(md, ['**~ `cluster/multi-1`: 1 object, 1 host, 1 launch entry changed**', '', '- added `FakeHost multi-1-worker-1`'].join('\n'));
  assert.match(md, '-     workerAgents: 1\n+     workerAgents: 2');
  assert.match(md, '<details><summary><b>+ 1 cluster added</b>: <code>cluster/sno-2</code></summary>');
  assert.match(md, '- `cluster/sno-2`: 5 objects, 1 host, 2 launch entries\n  - `Namespace difft-sno-2`');
  // Nothing else: the units shown are exactly the four that change.
  const units = [...md.matchAll(/(?:`|<code>)((?:cluster|pool)\/[\w-]+|swarm)(?:`|<\/code>)/g)].map((m) => m[1]);
  assert.equal([...new Set(units)].sort(), ['cluster/multi-1', 'cluster/sno-1', 'cluster/sno-2', 'swarm']);
  assert.not.match(md, 'spare');
});

test('the same commit on both sides: no change, exit 0, in every format', () => {
  const text = diff('--base', 'HEAD');
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, 'No changes: both sides synthesize the same dist/.\nDiff: clusters +0 -0 ~0, hosts +0 -0 ~0, objects +0 -0 ~0.\n');
  const d = json('--base', 'feature', '--head', 'feature');
  assert.equal(d.units, []);
  assert.is(diff('--markdown', '--base', commits.main!, '--head', 'main').code, 0);
});

test('a ref as the head: two commits compared, the same changes as against the working tree', () => {
  const d = json('--base', commits.base!, '--head', commits.feature!);
  assert.equal(shape(d), expected);
  assert.equal({ workingTree: d.head.workingTree, ref: d.head.ref, commit: d.head.commit }, { workingTree: false, ref: commits.feature, commit: commits.feature });
  // Backwards, every change turns around: the added cluster is removed.
  const back = json('--base', 'feature', '--head', commits.base!);
  assert.equal(back.summary.clusters, { added: 0, removed: 1, changed: 2 });
  assert.equal(back.units.find((u) => u.unit === 'cluster/sno-2')?.op, 'remove');
});

test('uncommitted changes are the working tree\'s side, and the diff says the tree is dirty', () => {
  writeConfig({ ...changed, clusters: [changed.clusters![0], { ...changed.clusters![1], count: 3 }] });
  try {
    const d = json('--base', 'HEAD');
    assert.equal(Object.keys(shape(d)), ['change swarm', 'add cluster/sno-3']);
    assert.is(d.head.provenance?.dirty, true);
    assert.match(diff('--base', 'HEAD').stdout, `  head:   working tree (${commits.feature!.slice(0, 12)} on feature, uncommitted changes)`);
  } finally {
    writeConfig(changed);
  }
});

test('an unknown ref: a clear message, exit 1, no worktree left', async () => {
  const before = tmpLeftovers();
  const r = diff('--base', 'no-such-branch');
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, `error: unknown ref "no-such-branch": no branch, tag or commit of that name in`);
  await assertNoWorktreeLeft(before);
});

test('a config that is not in a git repository: a clear message, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarm-diff-norepo-'));
  try {
    writeFileSync(join(dir, 'swarm.config.ts'), `export default ${JSON.stringify(base)};\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'lib/cli/main.ts'), 'diff', '--config', join(dir, 'swarm.config.ts')], { cwd: ROOT, encoding: 'utf8' });
    assert.is(r.status, 1);
    assert.is(r.stderr.trim(), `error: ${dir} is not in a git repository: diff compares the config at two commits, so the config must be in one`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a base whose config fails validation: the base and the problem named, exit 1, no worktree left', async () => {
  await git.checkoutLocalBranch('broken');
  const bad = await commit({ ...base, clusters: [{ name: 'multi', topology: 'sno' }] }, 'broken config');
  await git.checkout('feature');
  const before = tmpLeftovers();
  const r = diff('--base', 'broken');
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim(), [
    `error: base ${bad.slice(0, 12)} (broken): swarm.config.ts: 1 problem`,
    '  clusters[0].topology: must be one of: single-node, compact, multi-node (got "sno")',
  ].join('\n'));
  await assertNoWorktreeLeft(before);
});

test('usage errors exit 1, not 2 (which means "changes")', () => {
  assert.is(diff('--no-such-option').code, 1);
  assert.is(diff('--json', '--markdown').code, 1);
});

test.run();
