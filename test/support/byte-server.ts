// Test-only: a real HTTP server on loopback that serves real bytes, the way an image service
// serves an ISO (HEAD, Range, Content-Length), and misbehaves on purpose by path:
//   /file               the bytes; HEAD and a single Range (206, Content-Range) as http.ServeContent does
//   /missing            404
//   /busy?fails=N       503 for the first N requests to it, then the bytes
//   /cut?fails=N        the first N answers stop half-way (the connection destroyed), then the bytes
//   /slow?chunk=B&ms=T  the bytes, B at a time every T ms
//   /stall              headers and the first 64 KiB, then nothing
// It counts the requests each path got, and the connections it accepted.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ByteServer {
  url: string;
  /** The bytes /file serves. */
  bytes: Buffer;
  /** Requests per path (without the query). */
  requests: Map<string, number>;
  connections(): number;
  close(): Promise<void>;
}

/** Deterministic bytes that are not all zeros, so a wrong offset shows. */
export function patternBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

export async function byteServer(size: number): Promise<ByteServer> {
  const bytes = patternBytes(size);
  const requests = new Map<string, number>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const n = (requests.get(url.pathname) ?? 0) + 1;
    requests.set(url.pathname, n);
    const fails = Number(url.searchParams.get('fails') ?? 0);
    switch (url.pathname) {
      case '/file': return serveBytes(req, res, bytes);
      case '/missing': return res.writeHead(404, { 'Content-Length': 9 }).end('not found');
      case '/busy':
        if (n <= fails) return res.writeHead(503, { 'Content-Length': 4 }).end('busy');
        return serveBytes(req, res, bytes);
      case '/cut':
        if (n <= fails) {
          res.writeHead(200, { 'Content-Length': bytes.length });
          res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
          return;
        }
        return serveBytes(req, res, bytes);
      case '/slow': return drip(res, bytes, Number(url.searchParams.get('chunk') ?? 65536), Number(url.searchParams.get('ms') ?? 10));
      case '/stall':
        res.writeHead(200, { 'Content-Length': bytes.length });
        res.write(bytes.subarray(0, 65536));
        return; // and nothing more: the client gives up, or close() ends it
      default: return res.writeHead(404).end();
    }
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes,
    requests,
    connections: () => connections,
    close: () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** The whole of `bytes`, or the one range asked for (as Go's http.ServeContent answers). */
export function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let body = bytes;
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : bytes.length - 1, bytes.length - 1);
    if (start >= bytes.length || end < start) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    body = bytes.subarray(start, end + 1);
    res.writeHead(206, { 'Content-Length': body.length, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Accept-Ranges': 'bytes' });
  } else {
    res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' });
  }
  if (req.method === 'HEAD') return void res.end();
  res.end(body);
}

function drip(res: ServerResponse, bytes: Buffer, chunk: number, ms: number): void {
  res.writeHead(200, { 'Content-Length': bytes.length });
  let at = 0;
  const next = () => {
    if (res.destroyed) return;
    if (at >= bytes.length) return void res.end();
    res.write(bytes.subarray(at, at + chunk));
    at += chunk;
    setTimeout(next, ms);
  };
  next();
}
