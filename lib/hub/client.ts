// The hub client plan, apply and destroy use: server-side apply under one field manager, a
// merge patch for objects the swarm does not own, get / list (by label, paged) / delete, each
// request retried (retry.ts) and a bounded number in flight. Built on @kubernetes/client-node's
// KubernetesObjectApi; objects come back as plain JSON (no Date objects), the way the server
// sent them.
import {
  ApiException,
  createConfiguration,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  VersionApi,
  type KubernetesObject,
  type RequestContext,
} from '@kubernetes/client-node';
import pLimit, { type LimitFunction } from 'p-limit';
import type { KubeObject } from '../dist/types.ts';
import { UserError } from '../config/errors.ts';
import { connectionFailure, transientFailure } from './unreachable.ts';
import type { LoadedKubeConfig } from './kubeconfig.ts';
import { ConflictError, describeError, fieldConflicts, HubUnavailableError, hubName, KindNotServedError, StaleObjectError, statusCode } from './errors.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';

export const FIELD_MANAGER = 'assisted-swarm';

/** What names one object on the hub. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** "Kind namespace/name" or "Kind name": how objects are named in plans, logs and errors. */
export function refKey(ref: ObjectRef | KubeObject): string {
  const { kind } = ref;
  const { name, namespace } = 'metadata' in ref ? ref.metadata : ref;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata: { name, namespace } } = obj;
  return namespace ? { apiVersion, kind, name, namespace } : { apiVersion, kind, name };
}

export interface HubClientOptions {
  fieldManager?: string;
  /** Requests in flight at most (default 32). */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  /** Seconds before one request is given up on and retried (default 30). */
  requestTimeoutSeconds?: number;
  /** Where retry notices go (at most one line a second); default stderr. */
  log?: (line: string) => void;
}

export interface ApplyOptions {
  /** Server-side dry run: the object as it would be, nothing stored. */
  dryRun?: boolean;
  /** Take over fields another field manager owns. */
  force?: boolean;
}

/** Plain JSON, the way the server sent it (the library turns timestamps into Dates). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value));

export class HubClient {
  readonly server: string;
  readonly context: string;
  readonly fieldManager: string;
  private readonly api: KubernetesObjectApi;
  private readonly versionApi: VersionApi;
  private readonly limit: LimitFunction;
  private readonly retry: RetryPolicy;
  private lastNotice = 0;

  constructor(readonly hub: LoadedKubeConfig, options: HubClientOptions = {}) {
    this.server = hub.server;
    this.context = hub.context;
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
    this.limit = pLimit(options.maxInFlight ?? 32);
    const log = options.log ?? ((line: string) => console.error(line));
    this.retry = {
      ...DEFAULT_RETRY,
      ...options.retry,
      onRetry: (what, error, delayMs) => {
        // Many requests fail together when the hub is busy: one line a second says enough.
        if (Date.now() - this.lastNotice < 1000) return;
        this.lastNotice = Date.now();
        log(`hub: ${what}: ${error}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
      },
    };
    const timeoutMs = (options.requestTimeoutSeconds ?? 30) * 1000;
    // The library builds a new connection pool for every request (its kubeconfig auth sets a
    // fresh undici Agent each time), so nothing is reused and every request pays a TLS
    // handshake. Keeping the first pool for all requests makes them share connections.
    let pool: ReturnType<RequestContext['getDispatcher']>;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(hub.server, {}),
      authMethods: { default: hub.kubeConfig },
      promiseMiddleware: [{
        pre: async (ctx: RequestContext) => {
          pool ??= ctx.getDispatcher();
          if (pool) ctx.setDispatcher(pool);
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          return ctx;
        },
        post: async (response) => response,
      }],
    });
    this.api = new KubernetesObjectApi(configuration);
    this.versionApi = new VersionApi(configuration);
  }

  /** One request: bounded in flight, retried; a refusal becomes a message naming `what`. */
  private request<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    return this.limit(() => withRetry(what, attempt, this.retry));
  }

  /**
   * Fails with a clear message when the hub does not answer (after the retry budget): which hub
   * (server, context, kubeconfig), what failed (refused, unresolvable, TLS, timeout) and what to check.
   */
  async ping(): Promise<string> {
    try {
      const version = await this.request(`reach ${this.server}`, () => this.versionApi.getCode());
      return version.gitVersion;
    } catch (err) {
      throw unreachableHub(this.hub, err);
    }
  }

  /** Server-side apply; returns the object as stored (or as it would be, with dryRun). */
  async apply(obj: KubeObject, options: ApplyOptions = {}): Promise<KubeObject> {
    const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${refKey(obj)}`;
    try {
      const out = await this.request(what, () => this.api.patch(
        structuredClone(obj) as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        this.fieldManager,
        options.force ? true : undefined,
        PatchStrategy.ServerSideApply,
      ));
      return plain(out) as KubeObject;
    } catch (err) {
      const conflicts = fieldConflicts(err);
      if (conflicts.length) throw new ConflictError(refKey(obj), conflicts);
      throw this.refused(what, err);
    }
  }

  /**
   * JSON merge patch (RFC 7386), made only while the object is still at `resourceVersion`
   * (else StaleObjectError): how hub patches change objects the swarm does not own, where
   * server-side apply would make the swarm an owner of fields it only borrows.
   */
  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>, resourceVersion: string): Promise<KubeObject> {
    const what = `patch ${refKey(ref)}`;
    const metadata = { ...(patch.metadata as Record<string, unknown> | undefined), name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), resourceVersion };
    const body = { ...patch, apiVersion: ref.apiVersion, kind: ref.kind, metadata };
    try {
      const out = await this.request(what, () => this.api.patch(
        structuredClone(body) as KubernetesObject, undefined, undefined, this.fieldManager, undefined, PatchStrategy.MergePatch,
      ));
      return plain(out) as KubeObject;
    } catch (err) {
      if (statusCode(err) === 409) throw new StaleObjectError(refKey(ref), resourceVersion);
      throw this.refused(what, err);
    }
  }

  /** The object, or null when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | null> {
    const what = `get ${refKey(ref)}`;
    try {
      const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      return plain(await this.request(what, () => this.api.read(header))) as KubeObject;
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw this.refused(what, err);
    }
  }

  /** Every object of a kind (all namespaces unless `namespace`), by label selector, page by page. */
  async list(apiVersion: string, kind: string, options: { labelSelector?: string; namespace?: string; pageSize?: number } = {}): Promise<KubeObject[]> {
    const what = `list ${kind}${options.labelSelector ? ` (${options.labelSelector})` : ''}`;
    const items: KubeObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.request(what, () => this.api.list(
          apiVersion, kind, options.namespace, undefined, undefined, undefined, undefined, options.labelSelector, options.pageSize ?? 500, token,
        ));
        // Items of a list carry no apiVersion/kind of their own.
        for (const item of plain(page.items)) items.push({ ...item, apiVersion, kind } as KubeObject);
        token = page.metadata?._continue || undefined;
      } while (token);
    } catch (err) {
      throw this.refused(what, err);
    }
    return items;
  }

  /** Deletes an object; false if it was not there. Deletion may still wait on finalizers. */
  async delete(ref: ObjectRef, options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {}): Promise<boolean> {
    const what = `delete ${refKey(ref)}`;
    try {
      const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      await this.request(what, () => this.api.delete(header, undefined, undefined, undefined, undefined, options.propagationPolicy ?? 'Background'));
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw this.refused(what, err);
    }
  }

  /** A refusal the user can act on, as a UserError; other errors pass through. */
  private refused(what: string, err: unknown): unknown {
    if (err instanceof UserError) return err;
    const message = (err as Error)?.message ?? '';
    const discovery = /Failed to fetch resource metadata/.test(message);
    if (/Unrecognized API version and kind/.test(message) || (discovery && statusCode(err) === 404)) {
      return new KindNotServedError(what);
    }
    if (err instanceof ApiException) return new UserError(`${what}: the hub refused: ${describeError(err)}`);
    if (discovery) return new UserError(`${what}: ${describeError(err)}`);
    return err;
  }
}

/** The error for a hub that could not be reached (or refused us), naming it and what to check. */
export function unreachableHub(hub: LoadedKubeConfig, err: unknown): UserError {
  const choose = 'the kubeconfig (--kubeconfig, hub.kubeconfig, $KUBECONFIG) and context (--context, hub.context)';
  const cause = err instanceof HubUnavailableError ? err.cause : err;
  const failure = connectionFailure(cause ?? err);
  const code = statusCode(cause ?? err);
  if (failure) {
    const lasted = err instanceof HubUnavailableError ? ` (for ${Math.round(err.failingForMs / 1000)} s)` : '';
    const message = `${hubName(hub)} ${failure.what}${lasted} [${failure.code}]: ${failure.check}; are ${choose} the right ones?`;
    // A hub that may come back (down, slow, restarting) exits 3; one that never will as configured (TLS, a bad name), 1.
    return transientFailure(failure) ? new HubUnavailableError(message) : new UserError(message);
  }
  if (code === 401 || code === 403) {
    return new UserError(`${hubName(hub)} refused our credentials (${describeError(cause ?? err)}): the kubeconfig's user has expired or lacks rights`);
  }
  return err instanceof UserError ? new UserError(`${hubName(hub)}: ${err.message}`, err.exitCode) : new UserError(`${hubName(hub)}: ${describeError(err)}`);
}
