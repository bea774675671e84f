// Docker's log body for a container without a TTY: frames of an 8-byte header (stream type,
// 3 zero bytes, big-endian length) and the bytes. Anything else is returned as it is.

export function demuxLogs(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= body.length) {
    const type = body[at]!;
    if (type > 2 || body[at + 1] !== 0 || body[at + 2] !== 0 || body[at + 3] !== 0) return body.toString('utf8');
    const length = body.readUInt32BE(at + 4);
    parts.push(body.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}
