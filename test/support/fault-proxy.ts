// A fault-injecting proxy on loopback in front of the test hub's API server: it passes
// requests through, or answers the next N with an injected status (500, 429 with Retry-After),
// or drops their connection, or plays dead from the Nth request on. It serves TLS with a
// certificate of its own (made with openssl) and reaches the API server with the hub
// kubeconfig's credentials; `kubeconfigPath` points a client at it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface Fault {
  /** Answer with this status (and a Kubernetes Status body). */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Drop the connection instead of answering. */
  reset?: boolean;
}

export interface FaultProxy {
  url: string;
  kubeconfigPath: string;
  /** Requests passed to the API server, and requests given a fault. */
  readonly passed: number;
  readonly faulted: number;
  /** The most requests that were in flight to the API server at once. */
  readonly maxInFlight: number;
  /** The next `count` requests get `fault`. */
  inject(count: number, fault: Fault): void;
  /** Every `every`-th request from now on gets `fault`, `count` times in all (spread over a run). */
  sprinkle(every: number, count: number, fault: Fault): void;
  /** From the `after`-th request from now on, every connection is dropped, for good. */
  dieAfter(after: number): void;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

export async function startFaultProxy(upstream: KubeConfig): Promise<FaultProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-proxy-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = readFileSync(certPath);

  const cluster = upstream.getCurrentCluster()!;
  const user = upstream.getCurrentUser()!;
  const target = new URL(cluster.server);
  const b64 = (s?: string) => (s ? Buffer.from(s, 'base64') : undefined);
  const agent = new Agent({ keepAlive: true, ca: b64(cluster.caData), cert: b64(user.certData), key: b64(user.keyData) });

  const faults: Fault[] = [];
  const sprinkled: { every: number; left: number; fault: Fault; n: number }[] = [];
  const nextFault = (): Fault | undefined => {
    if (faults.length) return faults.shift();
    for (const s of sprinkled) {
      if (s.left > 0 && ++s.n % s.every === 0) {
        s.left--;
        return s.fault;
      }
    }
    return undefined;
  };
  let dieAt = Infinity;
  let seen = 0;
  const stats = { passed: 0, faulted: 0, inFlight: 0, maxInFlight: 0 };

  const server: Server = createServer({ key: readFileSync(keyPath), cert }, (req, res) => {
    seen++;
    if (seen >= dieAt) return void req.socket.destroy();
    const fault = nextFault();
    if (fault) {
      stats.faulted++;
      if (fault.reset) return void req.socket.destroy();
      const code = fault.status ?? 500;
      res.writeHead(code, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) });
      return void res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'injected by the test proxy', reason: REASONS[code] ?? 'Unknown', code }));
    }
    stats.passed++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const done = () => { stats.inFlight--; };
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
      upRes.on('end', done);
    });
    up.on('error', () => { done(); req.socket.destroy(); });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fault-proxy', server: url, caData: cert.toString('base64'), skipTLSVerify: false }],
    users: [{ ...user, name: 'fault-proxy-user' }],
    contexts: [{ name: 'fault-proxy', cluster: 'fault-proxy', user: 'fault-proxy-user' }],
    currentContext: 'fault-proxy',
  });
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kc.exportConfig(), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    get passed() { return stats.passed; },
    get faulted() { return stats.faulted; },
    get maxInFlight() { return stats.maxInFlight; },
    inject(count, fault) { for (let i = 0; i < count; i++) faults.push(fault); },
    sprinkle(every, count, fault) { sprinkled.push({ every, left: count, fault, n: 0 }); },
    dieAfter(after) { dieAt = seen + after; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { agent.destroy(); rmSync(dir, { recursive: true, force: true }); resolve(); });
    }),
  };
}
