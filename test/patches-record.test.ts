// The record of a hub patch (lib/patches/record.ts) on plain objects: what it holds for added,
// changed and removed fields, maps the patch created, arrays (whole), keys with "/" and "~";
// restoring gives back exactly the object before; a map the patch created that someone else
// has since put something in stays; drift is a recorded field that no longer has its value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubeObject } from '../lib/dist/types.ts';
import { driftOf, readRecord, recordAnnotation, recordOf, restore, withRecord } from '../lib/patches/record.ts';

const obj = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', ...(annotations ? { annotations } : {}) }, spec });

test('added, changed and removed fields, down to the leaf through maps; a created map is named', () => {
  const base = obj({ a: 1, gone: { y: 1 }, keep: true });
  const patched = obj({ a: 2, b: { c: { d: 3 } }, keep: true }, { 'example.com/x~y': 'v' });
  assert.equal(recordOf(base, patched), {
    fields: [
      { path: '/metadata/annotations/example.com~1x~0y', after: 'v' },
      { path: '/spec/a', before: 1, after: 2 },
      { path: '/spec/b/c/d', after: 3 },
      { path: '/spec/gone', before: { y: 1 } },
    ],
    created: ['/metadata/annotations', '/spec/b', '/spec/b/c'],
  });
  assert.equal(restore(patched, recordOf(base, patched)), base, 'restored exactly: created maps removed again');
});

test('arrays are recorded whole', () => {
  const base = obj({ list: [1, 2, 3] });
  const patched = obj({ list: [1, 3] });
  assert.equal(recordOf(base, patched).fields, [{ path: '/spec/list', before: [1, 2, 3], after: [1, 3] }]);
  assert.equal(restore(patched, recordOf(base, patched)), base);
});

test('a map the patch created that someone else has put something in stays; fields left alone stay', () => {
  const base = obj({ a: 1 });
  const patched = obj({ a: 2, b: { mine: 1 } });
  const record = recordOf(base, patched);
  const later = obj({ a: 5, b: { mine: 1, theirs: 2 } });
  assert.equal(driftOf(later, record).map((f) => f.path), ['/spec/a']);
  assert.equal(restore(later, record, new Set(['/spec/a'])), obj({ a: 5, b: { theirs: 2 } }));
  assert.equal(restore(later, record), obj({ a: 1, b: { theirs: 2 } }));
});

test('the record goes on the object as an annotation of the swarm, and comes back the same', () => {
  const record = recordOf(obj({ a: 1 }), obj({ a: 2 }));
  const withIt = withRecord(obj({ a: 2 }, { other: 'x' }), 'demo', record);
  assert.equal(withIt.metadata.annotations, { other: 'x', [recordAnnotation('demo')]: JSON.stringify(record) });
  assert.equal(readRecord(withIt, 'demo'), record);
  assert.is(readRecord(withIt, 'another-swarm'), null);
  assert.equal(withRecord(withRecord(obj({ a: 2 }), 'demo', record), 'demo', null), obj({ a: 2 }), 'no annotations left: none at all');
  const junk = obj({}, { [recordAnnotation('demo')]: '{"fields": 3}' });
  assert.throws(() => readRecord(junk, 'demo'), /is not a record assisted-swarm wrote/);
});

test.run();
