// Applies every CRD in a folder of JSON files to the hub (server-side apply, so a re-run is a
// no-op) and waits until each is Established. Plain Node with no dependencies, because up.sh
// runs it before anything else of the project is known to work.
// Usage: node crds.mjs SERVER PKI_DIR CRD_DIR
import { readFileSync, readdirSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';

const [server, pki, crdDir] = process.argv.slice(2);
const agent = new https.Agent({
  keepAlive: true,
  ca: readFileSync(join(pki, 'ca.crt')),
  cert: readFileSync(join(pki, 'admin.crt')),
  key: readFileSync(join(pki, 'admin.key')),
});
const base = `${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;

function request(method, url, body, contentType) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent, headers: body ? { 'content-type': contentType } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const established = (crd) =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

const files = readdirSync(crdDir).filter((f) => f.endsWith('.json'));
if (files.length === 0) throw new Error(`no CRDs in ${crdDir}`);
const names = await Promise.all(
  files.map(async (f) => {
    const crd = JSON.parse(readFileSync(join(crdDir, f), 'utf8'));
    const url = `${base}/${crd.metadata.name}?fieldManager=assisted-swarm-hub&force=true`;
    // JSON is YAML, so the apply content type takes the file as it is.
    await request('PATCH', url, JSON.stringify(crd), 'application/apply-patch+yaml');
    return crd.metadata.name;
  }),
);

const deadline = Date.now() + 60_000;
for (const name of names) {
  while (!established(await request('GET', `${base}/${name}`))) {
    if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after 60s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
agent.destroy();
console.error(`hub: ${names.length} CRDs Established`);
