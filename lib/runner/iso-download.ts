// One fake host's ISO download, the image-service load (config isoDownload): a HEAD request, the
// whole ISO, or a byte range, its body counted as it streams in and dropped: nothing is kept, on
// disk or in memory. A connection error, a body cut short, a timeout (no data for idleSeconds, or
// not done in timeoutSeconds) and a 429/5xx answer are tried again, up to `retries` times after
// 1 s, 2 s, 4 s …; any other answer is final. The result never holds the URL: an image URL may
// carry a token (/byapikey/<token>/… under AUTH_TYPE=local).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SwarmConfig } from '../config/types.ts';
import { serviceCa, type ServiceTls } from './service-api.ts';

export type DownloadMode = Exclude<SwarmConfig['isoDownload']['mode'], 'none'>;

export interface DownloadSettings {
  mode: DownloadMode;
  /** The Range header of mode `range` ("bytes=0-1048575"). */
  range: string;
  timeoutSeconds: number;
  idleSeconds: number;
  retries: number;
  tls: ServiceTls;
  /** The first pause between attempts, doubled each time (tests shorten it). */
  backoffMs?: number;
}

export interface DownloadResult {
  ok: boolean;
  /** The last answer's HTTP status; null when none came. */
  status: number | null;
  /** Body bytes received by the last attempt (0 for HEAD). */
  bytes: number;
  /** What the server announced: its Content-Length (for a range, the range's); null when it did not say. */
  announcedBytes: number | null;
  /** From the first request to the end of the last attempt, pauses between attempts included (ms). */
  ms: number;
  /** From the last attempt's request to its answer's headers (ms); null when none came. */
  firstByteMs: number | null;
  attempts: number;
  /** Short and the same for like failures, to group them: "HTTP 503", "cut short", "no data for 30 s". */
  error: string | null;
}

interface Attempt {
  status: number | null;
  bytes: number;
  announcedBytes: number | null;
  firstByteMs: number | null;
  error: string | null;
  retryable: boolean;
}

const MAX_BACKOFF_MS = 15_000;

/** Downloads `url` as the settings say; resolves with what happened (it does not reject). */
export async function downloadIso(url: string, settings: DownloadSettings, signal?: AbortSignal): Promise<DownloadResult> {
  const started = Date.now();
  const ca = caOf(url, settings.tls);
  let attempt: Attempt;
  let attempts = 0;
  for (;;) {
    attempts++;
    attempt = await once(url, settings, ca, signal);
    if (!attempt.error || !attempt.retryable || attempts > settings.retries || signal?.aborted) break;
    const pause = Math.min(MAX_BACKOFF_MS, (settings.backoffMs ?? 1000) * 2 ** (attempts - 1));
    await new Promise((r) => setTimeout(r, pause));
  }
  const { retryable: _, ...result } = attempt;
  return { ...result, ok: !attempt.error, ms: Date.now() - started, attempts };
}

function caOf(url: string, tls: ServiceTls): Buffer | undefined {
  return url.startsWith('https:') ? serviceCa(tls) : undefined;
}

/** One request: its answer's status, the body counted to its end, or why it stopped. */
function once(url: string, s: DownloadSettings, ca: Buffer | undefined, signal?: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const sent = Date.now();
    const at: Attempt = { status: null, bytes: 0, announcedBytes: null, firstByteMs: null, error: null, retryable: false };
    let settled = false;
    const finish = (error: string | null, retryable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ...at, error, retryable });
    };
    const req = (secure ? httpsRequest : httpRequest)(target, {
      method: s.mode === 'head' ? 'HEAD' : 'GET',
      headers: { Accept: '*/*', ...(s.mode === 'range' ? { Range: s.range } : {}) },
      // No keep-alive: every host's download is a connection of its own, as a machine's would be.
      agent: false,
      timeout: s.idleSeconds * 1000,
      ...(secure ? { ca, rejectUnauthorized: !s.tls.insecure } : {}),
    }, (res) => onAnswer(res));
    const overall = setTimeout(() => {
      finish(`not done in ${s.timeoutSeconds} s`, true);
      req.destroy();
    }, s.timeoutSeconds * 1000);
    const onAbort = () => {
      finish('interrupted');
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) return onAbort();
    req.on('timeout', () => {
      finish(`no data for ${s.idleSeconds} s`, true);
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(at.status === null ? connectionError(e) : 'cut short', true));
    req.end();

    function onAnswer(res: IncomingMessage) {
      at.status = res.statusCode ?? null;
      at.firstByteMs = Date.now() - sent;
      at.announcedBytes = announced(res);
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        res.resume();
        finish(`HTTP ${status}`, status === 429 || status >= 500);
        req.destroy();
        return;
      }
      res.on('data', (chunk: Buffer) => { at.bytes += chunk.length; });
      res.on('end', () => {
        const short = s.mode !== 'head' && at.announcedBytes !== null && at.bytes < at.announcedBytes;
        finish(short ? 'cut short' : null, short);
      });
      // A connection cut after the headers: 'aborted' on the answer, then 'error' or 'close'.
      res.on('aborted', () => finish('cut short', true));
      res.on('error', () => finish('cut short', true));
      res.on('close', () => { if (!res.complete) finish('cut short', true); });
    }
  });
}

/** The body's size as announced: Content-Length, or for a 206 the length of its Content-Range. */
function announced(res: IncomingMessage): number | null {
  const length = res.headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length)) return Number(length);
  const range = /^bytes (\d+)-(\d+)\//.exec(res.headers['content-range'] ?? '');
  return range ? Number(range[2]) - Number(range[1]) + 1 : null;
}

function connectionError(e: NodeJS.ErrnoException): string {
  return e.code ? `connection failed (${e.code})` : `connection failed (${e.message.split('\n')[0]})`;
}
