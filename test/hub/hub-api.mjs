// A minimal client of the hub's API server for the hub's own scripts: plain Node with no
// dependencies, because up.sh runs them before anything else of the project is known to work.
// Authenticates with the admin client certificate of PKI_DIR.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';

/** request(method, path, body?, contentType?) → the parsed JSON; a non-2xx answer throws with .status set. */
export function hubApi(server, pki) {
  const agent = new https.Agent({
    keepAlive: true,
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
  });
  const request = (method, path, body, contentType) =>
    new Promise((resolve, reject) => {
      const headers = body ? { 'content-type': contentType ?? 'application/json' } : {};
      const req = https.request(`${server}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if (res.statusCode < 300) return resolve(JSON.parse(text));
          reject(Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${text}`), { status: res.statusCode }));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  /** Server-side apply of one object (JSON is YAML, so the apply content type takes it as it is). */
  const apply = (path, obj) =>
    request('PATCH', `${path}?fieldManager=assisted-swarm-hub&force=true`, JSON.stringify(obj), 'application/apply-patch+yaml');
  return { request, apply, close: () => agent.destroy() };
}
