// A minimal ustar archive of folders and small text files: the body Docker's "extract an
// archive into a container" API takes, which is how files reach a remote engine's machine.
// (tar-stream would do this; it is not a declared dependency, and this is all we need.)

export interface TarEntry {
  /** Relative path inside the archive; folders end with "/". */
  path: string;
  content?: string;
  /** Default 0755 for folders, 0644 for files. */
  mode?: number;
}

const BLOCK = 512;

function header(path: string, size: number, dir: boolean, mode: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  // Names over 100 bytes go in the 155-byte prefix field, split at a "/".
  let name = path, prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const at = path.lastIndexOf('/', path.length - 2);
    if (at <= 0 || at > 155 || Buffer.byteLength(path.slice(at + 1)) > 100) throw new Error(`tar: path too long: ${path}`);
    prefix = path.slice(0, at);
    name = path.slice(at + 1);
  }
  const field = (value: string, offset: number, length: number) => h.write(value, offset, length, 'utf8');
  const octal = (value: number, offset: number, length: number) => field(value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
  field(name, 0, 100);
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  field(dir ? '5' : '0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  field(prefix, 345, 155);
  // The checksum is computed with its own field as spaces.
  field('        ', 148, 8);
  let sum = 0;
  for (const byte of h) sum += byte;
  field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const dir = entry.path.endsWith('/');
    const body = Buffer.from(dir ? '' : entry.content ?? '', 'utf8');
    parts.push(header(entry.path, body.length, dir, entry.mode ?? (dir ? 0o755 : 0o644)), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
