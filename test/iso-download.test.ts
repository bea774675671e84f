// The ISO download client against a real HTTP server of the test's that serves real bytes
// (test/support/byte-server.ts): HEAD, the whole body, a range, and what goes wrong: 404, 5xx,
// a connection cut half-way, a slow but steady server, a stalled one, an interrupted run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { downloadIso, type DownloadSettings } from '../lib/runner/iso-download.ts';
import { byteServer, type ByteServer } from './support/byte-server.ts';

const SIZE = 3 * 1024 * 1024 + 123;
let server: ByteServer;
const settings = (o: Partial<DownloadSettings> = {}): DownloadSettings => ({
  mode: 'full', range: 'bytes=0-1048575', timeoutSeconds: 60, idleSeconds: 10, retries: 2, tls: { caFile: null, insecure: false }, backoffMs: 10, ...o,
});

test.before(async () => { server = await byteServer(SIZE); });
test.after(async () => { await server.close(); });

test('full: every byte of the body, as announced, in one attempt', async () => {
  const r = await downloadIso(`${server.url}/file`, settings());
  assert.equal([r.ok, r.status, r.bytes, r.announcedBytes, r.attempts, r.error], [true, 200, SIZE, SIZE, 1, null]);
  assert.type(r.firstByteMs, 'number');
});

test('head: the announced size, no body', async () => {
  const r = await downloadIso(`${server.url}/file`, settings({ mode: 'head' }));
  assert.equal([r.ok, r.status, r.bytes, r.announcedBytes], [true, 200, 0, SIZE]);
});

test('range: exactly the bytes of the range (206), also a range to the end', async () => {
  const first = await downloadIso(`${server.url}/file`, settings({ mode: 'range', range: 'bytes=0-1048575' }));
  assert.equal([first.ok, first.status, first.bytes, first.announcedBytes], [true, 206, 1048576, 1048576]);
  const tail = await downloadIso(`${server.url}/file`, settings({ mode: 'range', range: 'bytes=3145728-' }));
  assert.equal([tail.ok, tail.status, tail.bytes], [true, 206, SIZE - 3145728]);
  const outside = await downloadIso(`${server.url}/file`, settings({ mode: 'range', range: `bytes=${SIZE}-` }));
  assert.equal([outside.ok, outside.status, outside.error, outside.attempts], [false, 416, 'HTTP 416', 1]);
});

test('404: an error, not tried again', async () => {
  const r = await downloadIso(`${server.url}/missing`, settings());
  assert.equal([r.ok, r.status, r.error, r.attempts, r.bytes], [false, 404, 'HTTP 404', 1, 0]);
  assert.is(server.requests.get('/missing'), 1);
});

test('5xx: tried again; within the retries it succeeds, beyond them it is an error', async () => {
  const ok = await downloadIso(`${server.url}/busy?fails=2`, settings({ retries: 2 }));
  assert.equal([ok.ok, ok.status, ok.attempts, ok.bytes], [true, 200, 3, SIZE]);
  server.requests.delete('/busy');
  const failed = await downloadIso(`${server.url}/busy?fails=5`, settings({ retries: 1 }));
  assert.equal([failed.ok, failed.status, failed.attempts, failed.error], [false, 503, 2, 'HTTP 503']);
  assert.is(server.requests.get('/busy'), 2);
});

test('a connection cut half-way: "cut short", tried again', async () => {
  const cut = await downloadIso(`${server.url}/cut?fails=9`, settings({ retries: 1 }));
  assert.equal([cut.ok, cut.error, cut.attempts], [false, 'cut short', 2]);
  assert.ok(cut.bytes < SIZE, `${cut.bytes} bytes of ${SIZE}`);
  server.requests.delete('/cut');
  const healed = await downloadIso(`${server.url}/cut?fails=1`, settings({ retries: 1 }));
  assert.equal([healed.ok, healed.bytes, healed.attempts], [true, SIZE, 2]);
});

test('a slow but steady server: every byte arrives', async () => {
  const r = await downloadIso(`${server.url}/slow?chunk=262144&ms=20`, settings({ idleSeconds: 5 }));
  assert.equal([r.ok, r.bytes, r.attempts], [true, SIZE, 1]);
});

test('a stalled server: cut after idleSeconds without data, and so is every retry', async () => {
  const r = await downloadIso(`${server.url}/stall`, settings({ idleSeconds: 0.3, retries: 1 }));
  assert.equal([r.ok, r.error, r.attempts, r.status], [false, 'no data for 0.3 s', 2, 200]);
  assert.is(r.bytes, 65536);
});

test('a download longer than timeoutSeconds is cut', async () => {
  const r = await downloadIso(`${server.url}/slow?chunk=1024&ms=50`, settings({ timeoutSeconds: 0.4, retries: 0 }));
  assert.equal([r.ok, r.error, r.attempts], [false, 'not done in 0.4 s', 1]);
});

test('nothing listening: a connection error, tried again', async () => {
  const r = await downloadIso('http://127.0.0.1:1/iso', settings({ retries: 1 }));
  assert.equal([r.ok, r.status, r.error, r.attempts], [false, null, 'connection failed (ECONNREFUSED)', 2]);
});

test('an interrupted run stops the download at once, with no retry', async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 100);
  const r = await downloadIso(`${server.url}/stall`, settings({ retries: 3 }), stop.signal);
  assert.equal([r.ok, r.error, r.attempts], [false, 'interrupted', 1]);
});

test.run();
