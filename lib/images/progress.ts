// The Docker engine's progress streams (build, pull, push), turned into readable lines. A pull
// or push prints a line when a layer changes status and at each quarter of a download or upload,
// not one per chunk. Errors in the stream reject, with the output seen so far.
import type Docker from 'dockerode';

export type Log = (line: string) => void;

export interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

export class EngineStreamError extends Error {
  constructor(readonly engineMessage: string, readonly output: string[]) {
    super(engineMessage);
    this.name = 'EngineStreamError';
  }
}

/** Formats pull and push events: one line per layer status change or quarter of progress. */
export function layerProgress(log: Log): (event: ProgressEvent) => void {
  const last = new Map<string, string>();
  return (event) => {
    if (!event.status) return;
    if (!event.id) return log(event.status);
    const { current, total } = event.progressDetail ?? {};
    const quarter = current && total ? Math.min(4, Math.floor((current / total) * 4)) : -1;
    const key = `${event.status} ${quarter}`;
    if (last.get(event.id) === key) return;
    last.set(event.id, key);
    log(`${event.id}: ${event.status}${quarter >= 0 ? ` ${quarter * 25}%` : ''}`);
  };
}

/**
 * Follows one engine stream to its end. Every event goes to `onEvent`; build output lines go
 * to `log` and are kept, so an error can be reported with what the engine said before it.
 */
export function followStream(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void = () => {},
): Promise<{ events: ProgressEvent[]; output: string[] }> {
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        const failed = events?.find((e) => e.error);
        if (err || failed) return reject(new EngineStreamError(failed?.errorDetail?.message ?? failed?.error ?? err!.message, output));
        resolve({ events, output });
      },
      (event: ProgressEvent) => {
        if (event.stream) output.push(...event.stream.split('\n').filter((line) => line.trim()));
        if (event.error) output.push(event.error);
        onEvent(event);
      },
    );
  });
}
