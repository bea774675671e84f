// What went wrong talking to the hub, in words for a user: the API server's own Status message
// (not the client library's dump of headers), conflicts with the other field manager's name,
// and which failures are worth retrying.
import { ApiException } from '@kubernetes/client-node';
import { UserError } from '../config/errors.ts';
import { connectionFailure, describeConnectionFailure } from './unreachable.ts';

/** Exit code of a command that gave up because the hub did not answer. */
export const HUB_UNAVAILABLE_EXIT = 3;

/** The hub kept failing (down, 5xx, 429) for longer than the retry budget. */
export class HubUnavailableError extends UserError {
  /** How long it kept failing, and the last failure. */
  readonly failingForMs: number;
  constructor(message: string, options: { cause?: unknown; failingForMs?: number } = {}) {
    super(message, HUB_UNAVAILABLE_EXIT);
    this.name = 'HubUnavailableError';
    this.cause = options.cause;
    this.failingForMs = options.failingForMs ?? 0;
  }
}

export interface FieldConflict {
  /** The field manager that owns the field now. */
  manager: string;
  /** The field, as the server names it (".spec.releaseImage"). */
  field: string;
}

/** Server-side apply refused: fields this swarm sets are owned by another manager. */
export class ConflictError extends UserError {
  constructor(readonly object: string, readonly conflicts: FieldConflict[]) {
    const managers = [...new Set(conflicts.map((c) => c.manager))];
    super(
      `${object}: ${conflicts.length} field${conflicts.length === 1 ? ' is' : 's are'} owned by another field manager ` +
      `(${managers.map((m) => `"${m}"`).join(', ')}): ` +
      conflicts.map((c) => `${c.field} (${c.manager})`).join(', ') +
      '; run again with --force-conflicts to take them over',
    );
    this.name = 'ConflictError';
  }
}

/** The hub has no such kind (its CRD is not installed). */
export class KindNotServedError extends UserError {
  constructor(what: string) {
    super(`${what}: the hub does not serve this kind (are the assisted-installer CRDs installed?)`);
    this.name = 'KindNotServedError';
  }
}

/** A change sent only onto the version of an object that was read found it changed since (409). */
export class StaleObjectError extends UserError {
  constructor(readonly object: string, readonly resourceVersion: string) {
    super(`${object} changed since it was read (resourceVersion ${resourceVersion}): make a new plan`);
    this.name = 'StaleObjectError';
  }
}

interface Status {
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The HTTP status of a failed request, if it got that far. */
export function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** The server's Status object of a failed request, if it sent one. */
export function statusBody(err: unknown): Status | undefined {
  if (!(err instanceof ApiException)) return undefined;
  const body = err.body as unknown;
  if (typeof body === 'string') {
    try { return JSON.parse(body) as Status; } catch { return { message: body.slice(0, 300) }; }
  }
  return body && typeof body === 'object' ? (body as Status) : undefined;
}

/** The conflicts of a refused server-side apply; empty for any other error. */
export function fieldConflicts(err: unknown): FieldConflict[] {
  if (statusCode(err) !== 409) return [];
  return (statusBody(err)?.details?.causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => ({ manager: /"([^"]*)"/.exec(c.message ?? '')?.[1] ?? c.message ?? '?', field: c.field ?? '?' }));
}

/** The code of a connection-level failure (ECONNREFUSED, ECONNRESET, …), looking through causes. */
export function networkCode(err: unknown): string | undefined {
  const failure = connectionFailure(err);
  if (failure) return failure.code;
  for (let e = err as { code?: unknown; cause?: unknown; name?: string } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'ETIMEDOUT';
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_NETWORK = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_.*)$/;

/** Worth another try: throttled (429), a server error (5xx), or the connection failed. */
export function isRetryable(err: unknown): boolean {
  const code = statusCode(err);
  if (code !== undefined) return RETRY_STATUS.has(code);
  const net = networkCode(err);
  return net !== undefined && RETRY_NETWORK.test(net);
}

/** Seconds the server asked us to wait (Retry-After), if it did. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (!(err instanceof ApiException)) return undefined;
  const headers = err.headers as Record<string, string> | undefined;
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** One line saying what failed: "500 InternalError: etcdserver: …" or "refused the connection (ECONNREFUSED): …". */
export function describeError(err: unknown): string {
  const code = statusCode(err);
  if (code !== undefined) {
    const status = statusBody(err);
    return `${code}${status?.reason ? ` ${status.reason}` : ''}: ${status?.message ?? 'no message'}`;
  }
  const failure = connectionFailure(err);
  if (failure) return describeConnectionFailure(failure);
  const net = networkCode(err);
  const message = (err as Error)?.message?.split('\n')[0] ?? String(err);
  return net ? `${message} (${net})` : message;
}

/** "the hub https://… (context "x" of /path/kubeconfig)": which hub a message is about. */
export function hubName(hub: { server: string; context: string; source: string }): string {
  return `the hub ${hub.server} (context "${hub.context}" of ${hub.source})`;
}
