// Why a hub (or any API server) could not be talked to, in a user's words: which of the usual
// failures it was (refused, a name that does not resolve, TLS, a timeout, a dropped connection)
// and what to check. The error codes are Node's and undici's, found through the error's causes.

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
export function connectionFailure(err: unknown): ConnectionFailure | null {
  const { codes, messages } = codesOf(err);
  const code = codes[0];
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, what: 'refused the connection', check: 'nothing listens there: is the API server running, and is the port right?' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { kind: 'unresolvable', code, what: 'has a host name that does not resolve', check: 'check the server address in the kubeconfig, and DNS' };
  }
  if (code && TLS_CODES.test(code)) {
    return { kind: 'tls', code, what: `failed the TLS handshake (${messages.find((m) => m !== 'fetch failed') ?? code})`, check: 'the kubeconfig\'s certificate-authority(-data) must be the CA that signed the server\'s certificate, for the name in its address' };
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ABORT_ERR') {
    return { kind: 'timeout', code, what: 'did not answer in time', check: 'is it reachable from here (network, VPN, firewall, proxy)?' };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return { kind: 'reset', code, what: 'dropped the connection', check: 'is something between us and it (a proxy, a load balancer) cutting connections, or is it restarting?' };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return { kind: 'unreachable', code, what: 'is not reachable from this machine', check: 'check the route to it (network, VPN)' };
  }
  if (messages.includes('bad port')) return { kind: 'bad-port', code: 'bad port', what: 'has a port that fetch refuses to use (a "bad port")', check: 'serve the API on another port' };
  return null;
}

/** "refused the connection (ECONNREFUSED): nothing listens there: …" */
export function describeConnectionFailure(f: ConnectionFailure): string {
  return `${f.what} (${f.code}): ${f.check}`;
}
