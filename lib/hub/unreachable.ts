// Why a hub (or any API server) could not be talked to, in a user's words: which of the usual
// failures it was (refused, a name that does not resolve, TLS, a timeout, a dropped connection)
// and what to check. The error codes are Node's and undici's, found through the error's causes.
// What to check depends on the server and its settings: the hub's by default, another's (the
// service's, lib/runner/service-reach.ts) through an Advice of its own.

export type FailureKind = 'refused' | 'unresolvable' | 'tls' | 'timeout' | 'reset' | 'bad-port' | 'unreachable';

export interface ConnectionFailure {
  kind: FailureKind;
  /** The code found (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …). */
  code: string;
  /** "refused the connection", "its name does not resolve", … */
  what: string;
  /** What to check. */
  check: string;
}

/** What to check, per kind of failure. */
export type Advice = Record<FailureKind, string>;

/** For the hub: its kubeconfig. */
export const HUB_ADVICE: Advice = {
  refused: 'nothing listens there: is the API server running, and is the port right?',
  unresolvable: 'check the server address in the kubeconfig, and DNS',
  tls: 'the kubeconfig\'s certificate-authority(-data) must be the CA that signed the server\'s certificate, for the name in its address',
  timeout: 'is it reachable from here (network, VPN, firewall, proxy)?',
  reset: 'is something between us and it (a proxy, a load balancer) cutting connections, or is it restarting?',
  unreachable: 'check the route to it (network, VPN)',
  'bad-port': 'serve the API on another port',
};

const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** Codes and messages of an error and its causes (and an AggregateError's errors). */
function codesOf(err: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 6) return;
    seen.add(e);
    const x = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof x.code === 'string') codes.push(x.code);
    if (x.name === 'TimeoutError') codes.push('ETIMEDOUT');
    if (typeof x.message === 'string') messages.push(x.message);
    visit(x.cause, depth + 1);
    for (const inner of x.errors ?? []) visit(inner, depth + 1);
  };
  visit(err, 0);
  return { codes, messages };
}

/** The connection-level failure behind `err`, or null when the server did answer (or it is something else). */
export function connectionFailure(err: unknown, advice: Advice = HUB_ADVICE): ConnectionFailure | null {
  const { codes, messages } = codesOf(err);
  const code = codes[0];
  const failure = (kind: FailureKind, what: string, found = code ?? kind): ConnectionFailure => ({ kind, code: found, what, check: advice[kind] });
  if (code === 'ECONNREFUSED') return failure('refused', 'refused the connection');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return failure('unresolvable', 'has a host name that does not resolve');
  if (code && TLS_CODES.test(code)) return failure('tls', `failed the TLS handshake (${messages.find((m) => m !== 'fetch failed') ?? code})`);
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ABORT_ERR') {
    return failure('timeout', 'did not answer in time');
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return failure('reset', 'dropped the connection');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return failure('unreachable', 'is not reachable from this machine');
  if (messages.includes('bad port')) return failure('bad-port', 'has a port that fetch refuses to use (a "bad port")', 'bad port');
  return null;
}

/** Kinds worth waiting for: the server may come back (down, slow, restarting). */
export function transientFailure(f: ConnectionFailure): boolean {
  return ['refused', 'timeout', 'reset', 'unreachable'].includes(f.kind);
}

/** "refused the connection (ECONNREFUSED): nothing listens there: …" */
export function describeConnectionFailure(f: ConnectionFailure): string {
  return `${f.what} (${f.code}): ${f.check}`;
}
