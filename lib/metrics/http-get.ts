// One GET of a metrics source, bounded in time: resolves with the body of a 2xx answer, rejects
// with a short message otherwise (the report shows it as the reason for a gap). HTTPS with a
// CA file, or without verification when the config says insecure.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface SourceTls {
  readonly caFile: string | null;
  readonly insecure: boolean;
}

export interface GetOptions {
  readonly tls: SourceTls;
  readonly timeoutMs: number;
  readonly headers?: Record<string, string>;
}

/** The URL as it may be shown: no user info, no query (where tokens would be). */
/** Why a GET failed; `status` when the server answered (not 2xx), with the start of its body. */
export class GetError extends Error {
  constructor(message: string, readonly status?: number, readonly body?: string) {
    super(message);
    this.name = 'GetError';
  }
}

export function shownUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export function httpGet(url: string, o: GetOptions): Promise<string> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  let ca: Buffer | undefined;
  try {
    if (secure && o.tls.caFile) ca = readFileSync(o.tls.caFile);
  } catch (e) {
    return Promise.reject(new GetError(`CA file ${o.tls.caFile}: ${(e as Error).message}`));
  }
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(target, {
      headers: { Accept: 'text/plain, application/json', ...o.headers },
      ...(secure ? { ca, rejectUnauthorized: !o.tls.insecure } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) resolve(body);
        else reject(new GetError(`answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim(), res.statusCode, body.slice(0, 500)));
      });
      res.on('error', (e) => reject(e));
    });
    // The whole exchange is bounded, not only the wait for a first byte: a trickling answer
    // must not hold the next scrape up.
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${o.timeoutMs / 1000} s`)), o.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new GetError(e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message));
    });
    req.end();
  });
}
