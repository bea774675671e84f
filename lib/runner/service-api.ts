// The service's REST API, as far as the runner uses it: the discovery ignition of an
// infra-env, and the calls of the installers the runner plays (players/installer-api.ts).
// Under AUTH_TYPE=none no credentials; under local the infra-env's own token, the `api_key` the
// service puts in the InfraEnv's status URLs (reference C3), or the agent's X-Secret-Key. HTTPS
// with the configured CA, or without verification when the config says insecure. A service that
// does not answer is named with what failed and what to check (serviceAdvice).
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UserError } from '../config/errors.ts';
import { connectionFailure, describeConnectionFailure, transientFailure, type Advice, type ConnectionFailure } from '../hub/unreachable.ts';
import { noteApiError } from '../metrics/api-errors.ts';

export interface ServiceTls {
  caFile: string | null;
  insecure: boolean;
}

/** What to check when the service can't be talked to, per kind of failure (the config's words). */
export function serviceAdvice(tls: ServiceTls): Advice {
  const ca = tls.caFile ? `hub.tls.caFile (${tls.caFile})` : 'hub.tls.caFile (not set: only the system\'s CAs are trusted)';
  return {
    refused: 'nothing listens there: is assisted-service running, and are hub.serviceUrl\'s address and port the ones it serves?',
    unresolvable: 'check the host name in hub.serviceUrl, and DNS',
    tls: `${ca} must be the CA that signed the service's certificate, for the address in hub.serviceUrl ` +
      '(the test hub\'s: ASSISTED_SWARM_HUB_SERVICE_CA of its env file); a service that speaks plain HTTP needs an http:// hub.serviceUrl',
    timeout: 'is it reachable from here, and is it not overloaded or stopped?',
    reset: 'is it restarting, or is something between us cutting connections?',
    unreachable: 'check the route to it (network, VPN)',
    'bad-port': 'serve the service on another port',
  };
}

export class ServiceError extends Error {
  /** The connection-level failure, when the service did not answer at all. */
  readonly failure: ConnectionFailure | null;
  constructor(message: string, readonly status?: number, options: { failure?: ConnectionFailure | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ServiceError';
    this.failure = options.failure ?? null;
  }
  /** Worth trying again: the service is not there yet, overloaded or failing for a while (not a certificate it can't verify, nor a name that does not resolve). */
  get retryable(): boolean {
    if (this.failure) return transientFailure(this.failure);
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** GETs a URL of the service; resolves with the body, rejects with a ServiceError. */
export async function getText(url: string, tls: ServiceTls, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<string> {
  return (await callService('GET', url, tls, { headers, timeoutMs })).toString('utf8');
}

export interface ServiceCall {
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

const cas = new Map<string, Buffer>();

/** The CA of hub.tls.caFile (undefined without one), read once per process rather than per request. */
export function serviceCa(tls: ServiceTls): Buffer | undefined {
  if (!tls.caFile) return undefined;
  let ca = cas.get(tls.caFile);
  if (!ca) {
    try {
      ca = readFileSync(tls.caFile);
    } catch (e) {
      throw new UserError(`hub.tls.caFile ${tls.caFile}: ${(e as Error).message}`);
    }
    cas.set(tls.caFile, ca);
  }
  return ca;
}

/** One request to the service; resolves with the body of a 2xx answer, rejects with a ServiceError. */
export function callService(method: string, url: string, tls: ServiceTls, call: ServiceCall = {}): Promise<Buffer> {
  const answer = request(method, url, tls, call);
  answer.catch(() => noteApiError('service'));
  return answer;
}

function request(method: string, url: string, tls: ServiceTls, call: ServiceCall): Promise<Buffer> {
  const { headers = {}, body, timeoutMs = 30_000 } = call;
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    // An unreadable hub.tls.caFile throws here, which rejects the promise.
    const ca = secure ? serviceCa(tls) : undefined;
    const req = (secure ? httpsRequest : httpRequest)(target, {
      method,
      headers: { Accept: 'application/json', ...headers, ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}) },
      timeout: timeoutMs,
      ...(secure ? { ca, rejectUnauthorized: !tls.insecure } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const answer = Buffer.concat(chunks);
        if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) return resolve(answer);
        reject(new ServiceError(`${method === 'GET' ? '' : `${method} `}${redact(url)} answered ${res.statusCode} ${res.statusMessage ?? ''}: ${answer.toString('utf8').slice(0, 200).trim()}`, res.statusCode));
      });
      res.on('error', (e) => reject(new ServiceError(`${redact(url)}: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const failure = connectionFailure(e, serviceAdvice(tls));
      reject(new ServiceError(`${redact(url)}: ${failure ? describeConnectionFailure(failure) : e.message}`, undefined, { failure, cause: e }));
    });
    req.end(body);
  });
}

/** A URL with its api_key hidden: URLs end up in messages and reports, tokens never. */
export function redact(url: string): string {
  return url.replace(/([?&]api_key=)[^&]*/g, '$1…');
}

/** The query parameter `name` of a URL, or null. */
export function queryParam(url: string | undefined, name: string): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}

export function discoveryIgnitionUrl(serviceUrl: string, infraEnvId: string, apiKey: string | null): string {
  const base = serviceUrl.replace(/\/+$/, '');
  const url = new URL(`${base}/api/assisted-install/v2/infra-envs/${encodeURIComponent(infraEnvId)}/downloads/files`);
  url.searchParams.set('file_name', 'discovery.ign');
  if (apiKey) url.searchParams.set('api_key', apiKey);
  return url.toString();
}
