// Applies every CRD in a folder of JSON files to the hub (server-side apply, so a re-run is a
// no-op) and waits until each is Established.
// Usage: node crds.mjs SERVER PKI_DIR CRD_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hubApi } from './hub-api.mjs';

const [server, pki, crdDir] = process.argv.slice(2);
const api = hubApi(server, pki);
const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

const established = (crd) =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

const files = readdirSync(crdDir).filter((f) => f.endsWith('.json'));
if (files.length === 0) throw new Error(`no CRDs in ${crdDir}`);
const names = await Promise.all(
  files.map(async (f) => {
    const crd = JSON.parse(readFileSync(join(crdDir, f), 'utf8'));
    await api.apply(`${base}/${crd.metadata.name}`, crd);
    return crd.metadata.name;
  }),
);

const deadline = Date.now() + 60_000;
for (const name of names) {
  while (!established(await api.request('GET', `${base}/${name}`))) {
    if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after 60s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
api.close();
console.error(`hub: ${names.length} CRDs Established`);
