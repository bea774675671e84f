// The service's REST calls upstream's installer makes (src/inventory_client/inventory_client.go
// of assisted-installer; logs_sender's of the agent, src/logs_sender/send_logs.go), for an
// installer the runner plays. Every call carries the agent's token as X-Secret-Key (agentAuth),
// as the installer sends the PULL_SECRET_TOKEN it inherits. Failed calls are retried as the dry
// installer's client does: 3 times for an answer the service may not give again (5xx, 408, 429,
// no answer), 10 times for 404/423/425, backing off from 2 to 10 s.
import { callService, ServiceError, type ServiceTls } from '../service-api.ts';

export interface InstallerIdentity {
  url: string;
  tls: ServiceTls;
  /** PULL_SECRET_TOKEN; null under AUTH_TYPE=none. */
  token: string | null;
  clusterId: string;
  infraEnvId: string;
  hostId: string;
}

/** A host as GET /v2/clusters/{id} lists it (only the fields the installer reads). */
export interface ServiceHost {
  id: string;
  infra_env_id: string;
  role?: string;
  status?: string;
  bootstrap?: boolean;
  requested_hostname?: string;
  progress?: { current_stage?: string; progress_info?: string };
}

export interface ServiceCluster {
  id: string;
  status?: string;
  hosts?: ServiceHost[];
}

export interface RetryPolicy {
  /** Wait before attempt n+1 (n from 0); rejects when the play is stopped. */
  wait(attempt: number): Promise<void>;
}

const LONG_RETRY_STATUSES = new Set([404, 423, 425]);

export class InstallerApi {
  private readonly base: string;

  constructor(readonly id: InstallerIdentity, private readonly retry: RetryPolicy) {
    this.base = `${id.url.replace(/\/+$/, '')}/api/assisted-install/v2`;
  }

  /** PUT …/progress (v2UpdateHostInstallProgress); another host's too (the bootstrap reports Joined for them). */
  progress(stage: string, info: string, host: { id: string; infraEnvId: string } = { id: this.id.hostId, infraEnvId: this.id.infraEnvId }): Promise<void> {
    return this.json('PUT', `/infra-envs/${host.infraEnvId}/hosts/${host.id}/progress`, { current_stage: stage, progress_info: info });
  }

  /** GET /v2/clusters/{id}/downloads/files?file_name= (V2DownloadClusterFiles): bootstrap.ign for the bootstrap. */
  downloadClusterFile(fileName: string): Promise<Buffer> {
    return this.call('GET', `/clusters/${this.id.clusterId}/downloads/files?file_name=${encodeURIComponent(fileName)}`, { Accept: 'application/octet-stream' });
  }

  /** GET /v2/infra-env/{id}/hosts/{id}/downloads/ignition (v2DownloadHostIgnition; "infra-env", singular, as the service spells it). */
  downloadHostIgnition(): Promise<Buffer> {
    return this.call('GET', `/infra-env/${this.id.infraEnvId}/hosts/${this.id.hostId}/downloads/ignition`, { Accept: 'application/octet-stream' });
  }

  /** GET /v2/clusters/{id} (v2GetCluster); the installer always says exclude-hosts. */
  async cluster(withHosts: boolean): Promise<ServiceCluster> {
    const body = await this.call('GET', `/clusters/${this.id.clusterId}?exclude-hosts=${!withHosts}`);
    return JSON.parse(body.toString('utf8')) as ServiceCluster;
  }

  /** PUT /v2/infra-envs/{id}/hosts/{id}/logs-progress (v2UpdateHostLogsProgress). */
  hostLogsProgress(state: 'requested' | 'collecting' | 'completed'): Promise<void> {
    return this.json('PUT', `/infra-envs/${this.id.infraEnvId}/hosts/${this.id.hostId}/logs-progress`, { logs_state: state });
  }

  /** PUT /v2/clusters/{id}/logs-progress (v2UpdateClusterLogsProgress). */
  clusterLogsProgress(state: 'requested' | 'collecting' | 'completed'): Promise<void> {
    return this.json('PUT', `/clusters/${this.id.clusterId}/logs-progress`, { logs_state: state });
  }

  /** POST /v2/clusters/{id}/logs?logs_type=host (V2UploadLogs), the archive as the multipart field `upfile`. */
  async uploadHostLogs(archive: Buffer, fileName = 'logs.tar.gz'): Promise<void> {
    const boundary = `assisted-swarm-${Date.now().toString(16)}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upfile"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      archive,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const query = `logs_type=host&infra_env_id=${this.id.infraEnvId}&host_id=${this.id.hostId}`;
    await this.call('POST', `/clusters/${this.id.clusterId}/logs?${query}`, { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body);
  }

  private async json(method: string, path: string, body: unknown): Promise<void> {
    await this.call(method, path, { 'Content-Type': 'application/json' }, JSON.stringify(body));
  }

  private async call(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Buffer> {
    const auth: Record<string, string> = this.id.token ? { 'X-Secret-Key': this.id.token } : {};
    for (let attempt = 0; ; attempt++) {
      try {
        return await callService(method, `${this.base}${path}`, this.id.tls, { headers: { ...auth, ...headers }, body });
      } catch (err) {
        if (!(err instanceof ServiceError) || attempt >= retries(err)) throw err;
        await this.retry.wait(attempt);
      }
    }
  }
}

function retries(err: ServiceError): number {
  if (err.status !== undefined && LONG_RETRY_STATUSES.has(err.status)) return 10;
  return err.retryable || err.status === 408 ? 3 : 0;
}
