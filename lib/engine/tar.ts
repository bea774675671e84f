// A tar archive of folders and small files (tar-stream): the body Docker's "extract an archive
// into a container" and "build an image" APIs take. Fixed owner and time: the same entries make
// the same archive.
import { pack } from 'tar-stream';

export interface TarEntry {
  /** Relative path inside the archive; folders end with "/". */
  path: string;
  content?: string;
  /** Default 0755 for folders, 0644 for files. */
  mode?: number;
}

const FIXED_TIME = new Date(0);

/** The archive as a stream (dockerode's types want a Node stream; tar-stream's is streamx's). */
export function tar(entries: TarEntry[]): NodeJS.ReadableStream {
  const archive = pack();
  for (const e of entries) {
    const dir = e.path.endsWith('/');
    const header = { name: e.path, mode: e.mode ?? (dir ? 0o755 : 0o644), mtime: FIXED_TIME, uid: 0, gid: 0, uname: 'root', gname: 'root' };
    if (dir) archive.entry({ ...header, type: 'directory' });
    else archive.entry(header, e.content ?? '');
  }
  archive.finalize();
  return archive as unknown as NodeJS.ReadableStream;
}
