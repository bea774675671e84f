// The pieces of diff without git: the in-memory synth gives exactly what `npm run synth` writes;
// a Secret's data is never shown in any format; a large diff's Markdown stays under GitHub's
// comment limit, folded, and says what it left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../lib/dist/types.ts';
import { compareSynths, summarize } from '../lib/diff/compare.ts';
import { renderMarkdown } from '../lib/diff/render-markdown.ts';
import { renderText } from '../lib/diff/render-text.ts';
import { synthInMemory, type Synthesized } from '../lib/diff/synth.ts';
import { DIFF_FORMAT, type SwarmDiff, type UnitDiff } from '../lib/diff/types.ts';
import { largeConfig, REPO_PATCHES, synthConfig } from './support/synth.ts';

const dir = mkdtempSync(join(tmpdir(), 'swarm-diff-render-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the in-memory synth gives, unit by unit, exactly the objects npm run synth writes (patches applied)', async () => {
  const input = largeConfig(1, 'inmem');
  const file = join(dir, 'swarm.config.ts');
  writeFileSync(file, `export default ${JSON.stringify(input)};\n`);
  const memory = await synthInMemory(file, REPO_PATCHES);
  const written = synthConfig(input);

  const fromFiles = new Map<string, unknown[]>();
  for (const { file: name, doc } of [...written.hub, ...written.launch]) {
    const id = name.replace(/\.k8s\.yaml$/, '');
    const unit = id === 'swarm' ? 'swarm' : id.replace(/^(cluster|pool)-/, '$1/');
    fromFiles.set(unit, [...(fromFiles.get(unit) ?? []), doc]);
  }
  assert.equal([...memory.units.keys()].sort(), [...fromFiles.keys()].sort());
  for (const [unit, docs] of fromFiles) {
    const objects = [...memory.units.get(unit)!.entries.values()].map((e) => e.object);
    assert.equal(objects, docs, `${unit} differs from its files`);
  }
  // The patches were applied: the service-tuning ConfigMap has what patches/ adds.
  const tuning = [...memory.units.get('swarm')!.entries.values()].find((e) => e.object.kind === 'ConfigMap')!.object;
  assert.is((tuning.data as Record<string, string>).ENABLE_VIRTUAL_INTERFACES, 'true');
  rmSync(join(written.dist, '..'), { recursive: true, force: true });
});

function side(objects: KubeObject[]): Synthesized {
  const entries = new Map(objects.map((object) => [`${object.kind} ${object.metadata.namespace}/${object.metadata.name}`, { key: `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`, category: 'object' as const, object }]));
  return { swarm: 's', units: new Map([['cluster/a-1', { kind: 'cluster' as const, entries }]]) };
}

function asDiff(units: UnitDiff[]): SwarmDiff {
  const at = { label: 'x', workingTree: false, ref: 'main', commit: 'a'.repeat(40), swarm: 's' };
  return { format: DIFF_FORMAT, config: 'swarm.config.ts', base: at, head: { ...at, ref: 'HEAD' }, summary: summarize(units), units };
}

test('a Secret whose data changes is a sensitive change: no value in JSON, text or Markdown', () => {
  const secret = (token: string, annotation: string): KubeObject => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pull-secret', namespace: 's-a-1', annotations: { note: annotation } },
    data: { '.dockerconfigjson': Buffer.from(token).toString('base64') }, stringData: { raw: token },
  });
  const units = compareSynths(side([secret('old-secret-value', 'one')]), side([secret('new-secret-value', 'two')]));
  assert.equal(units[0]!.changes[0]!.fields, [
    { path: ['data'], op: 'change', sensitive: true },
    { path: ['metadata', 'annotations', 'note'], op: 'change', before: 'one', after: 'two' },
  ]);
  const d = asDiff(units);
  for (const out of [JSON.stringify(d), renderText(d), renderMarkdown(d)]) {
    for (const value of ['old-secret-value', 'new-secret-value']) {
      assert.not.match(out, value);
      assert.not.match(out, Buffer.from(value).toString('base64'));
    }
  }
  assert.match(renderText(d), 'data: (sensitive value changed)');
});

test('a large diff in Markdown: under the limit, long units folded, and what was left out counted', () => {
  const units: UnitDiff[] = [];
  for (let i = 1; i <= 400; i++) {
    units.push({
      unit: `cluster/big-${i}`, kind: 'cluster', op: 'change',
      changes: Array.from({ length: 12 }, (_, h) => ({
        op: 'change' as const, key: `FakeHost big-${i}-master-${h}`, category: 'host' as const,
        fields: [{ path: ['spec', 'container', 'image'], op: 'change' as const, before: 'agent:1', after: 'agent:2' }],
      })),
    });
  }
  for (let i = 1; i <= 1000; i++) {
    units.push({ unit: `cluster/new-${i}`, kind: 'cluster', op: 'add', changes: [{ op: 'add', key: `Namespace s-new-${i}`, category: 'object' }] });
  }
  const md = renderMarkdown(asDiff(units));
  assert.ok(md.length <= 60_000, `${md.length} characters`);
  assert.match(md, '| clusters | 1000 | 0 | 400 |');
  assert.match(md, '<details><summary><b>~ <code>cluster/big-1</code>: 12 hosts changed</b></summary>');
  assert.match(md, /… \d+ more sections left out: a comment holds at most 60,000 characters/);

  // Only added clusters: one folded list, entries for the first few, names for the next, then a count.
  const added = renderMarkdown(asDiff(units.filter((u) => u.op === 'add')));
  assert.ok(added.length <= 60_000, `${added.length} characters`);
  assert.match(added, '<details><summary><b>+ 1000 clusters added</b>: <code>cluster/new-1</code>, ');
  assert.match(added, '- `cluster/new-1`: 1 object\n  - `Namespace s-new-1`');
  assert.match(added, '- `cluster/new-300`: 1 object\n- … 700 more');
  assert.not.match(added, 'Namespace s-new-300');
});

test.run();
