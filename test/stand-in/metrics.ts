// The stand-in's /metrics, as the real service exposes it (reference C5): promhttp's default
// registry (process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds
// and the runtime's own), and go-http-metrics' http_request_duration_seconds per handler (the
// swagger path pattern, below /api/assisted-install), method and code, in Prometheus' default
// buckets. Made with prom-client, the Node counterpart of client_golang.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The id a path segment stands for after each collection name (swagger's parameter names). */
const PARAMS: Record<string, string> = { 'infra-envs': '{infra_env_id}', 'infra-env': '{infra_env_id}', hosts: '{host_id}', clusters: '{cluster_id}' };

/** `/api/assisted-install/v2/infra-envs/<uuid>/hosts/<uuid>/instructions` → `/v2/infra-envs/{infra_env_id}/hosts/{host_id}/instructions` */
export function handlerPattern(path: string): string {
  const parts = path.replace(/^\/api\/assisted-install/, '').split('/');
  return parts.map((p, i) => (i > 0 && p && Object.hasOwn(PARAMS, parts[i - 1]!) ? PARAMS[parts[i - 1]!]! : p)).join('/');
}

export class StandInMetrics {
  readonly registry = new Registry();
  private readonly latency = new Histogram({
    name: 'http_request_duration_seconds', help: 'The latency of the HTTP requests.', labelNames: ['service', 'handler', 'method', 'code'],
    buckets: DEF_BUCKETS, registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times a request from now until its answer is sent. */
  observe(req: IncomingMessage, res: ServerResponse): void {
    const end = this.latency.startTimer({ service: 'assisted-installer', handler: handlerPattern(new URL(req.url ?? '/', 'http://x').pathname), method: req.method ?? '' });
    res.once('finish', () => end({ code: String(res.statusCode) }));
  }

  async serve(res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.registry.contentType });
    res.end(text);
  }
}
