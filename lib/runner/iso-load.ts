// The image-service load (config isoDownload): before a fake host boots, it downloads its ISO
// from the URL it was given (its BareMetalHost's image URL, or its InfraEnv's isoDownloadURL),
// at most `concurrency` downloads in flight and `ratePerSecond` started per second, apart from
// the container starts' own limits. Each download is recorded for the report.
import pLimit, { type LimitFunction } from 'p-limit';
import type { SwarmConfig } from '../config/types.ts';
import type { DownloadRecord, HostRecord } from '../report/types.ts';
import { downloadIso, type DownloadMode } from './iso-download.ts';
import { RateGate } from './rate.ts';
import type { ServiceTls } from './service-api.ts';
import type { Tracker } from './tracker.ts';

export class IsoLoad {
  private readonly slots: LimitFunction;
  private readonly gate: RateGate;

  constructor(
    private readonly settings: SwarmConfig['isoDownload'],
    private readonly tls: ServiceTls,
    private readonly tracker: Tracker,
    private readonly signal: AbortSignal,
  ) {
    this.slots = pLimit(settings.concurrency);
    this.gate = new RateGate(settings.ratePerSecond);
  }

  /** False with mode none: hosts boot without a download, as before. */
  get enabled(): boolean {
    return this.settings.mode !== 'none';
  }

  /** Downloads the host's ISO as its machine would before it boots, and records it. */
  fetch(host: HostRecord, url: string, source: DownloadRecord['source']): Promise<DownloadRecord> {
    return this.slots(async () => {
      const startedAt = await this.gate.pass();
      this.tracker.change(host, 'state', 'downloading its ISO');
      const mode = this.settings.mode as DownloadMode;
      const r = await downloadIso(url, { ...this.settings, mode, tls: this.tls }, this.signal);
      const record: DownloadRecord = {
        hostname: host.hostname, source, mode, startedAt, ms: r.ms, firstByteMs: r.firstByteMs, bytes: r.bytes, status: r.status, attempts: r.attempts, error: r.error,
      };
      if (r.error !== 'interrupted') this.tracker.download(host, record);
      return record;
    });
  }
}
