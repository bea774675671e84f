// A Prometheus server's HTTP API, as far as a metrics profile needs it: one instant query
// (`/api/v1/query`), its vector (or scalar) as a value per series. On OpenShift the server is
// usually thanos-querier behind a bearer token.
import { GetError, httpGet, type SourceTls } from './http-get.ts';

export interface PrometheusServer {
  /** Base URL: `<url>/api/v1/query` is asked. */
  readonly url: string;
  readonly tls: SourceTls;
  /** Bearer token, if the server wants one. */
  readonly token: string | null;
}

/** A query the server refused (a 4xx or an error status): its own fault, not the server's. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

interface ApiAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

/** Series labels as one key: `k=v,k=v` sorted, `__name__` left out; '' for none. */
export function seriesKey(metric: Record<string, string>): string {
  return Object.entries(metric).filter(([k]) => k !== '__name__').sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The query's value per series, at the server's now; at most `limit` series (by key). */
export async function instantQuery(server: PrometheusServer, query: string, timeoutMs: number, limit = 20): Promise<Record<string, number>> {
  const url = `${server.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  let text: string;
  try {
    text = await httpGet(url, { tls: server.tls, timeoutMs, headers: { Accept: 'application/json', ...(server.token ? { Authorization: `Bearer ${server.token}` } : {}) } });
  } catch (err) {
    // 400 and 422 are how Prometheus refuses a query; the rest is the server being away.
    if (err instanceof GetError && err.status && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403 && err.status !== 429) {
      throw new QueryError((safeJson(err.body ?? '') as ApiAnswer | null)?.error ?? err.message);
    }
    throw err;
  }
  const answer = safeJson(text) as ApiAnswer | null;
  if (!answer || answer.status !== 'success' || !answer.data) throw new QueryError(answer?.error ?? 'not a Prometheus API answer');
  const { resultType, result } = answer.data;
  if (resultType === 'scalar') return { '': Number((result as [number, string])[1]) };
  if (resultType !== 'vector') throw new QueryError(`a ${resultType} answer: a profile query must give an instant vector or a scalar`);
  const values: Record<string, number> = {};
  const series = (result as { metric: Record<string, string>; value: [number, string] }[])
    .map((r) => [seriesKey(r.metric), Number(r.value[1])] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, limit);
  for (const [key, value] of series) values[key] = value;
  return values;
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return null; }
}
