// Docker's event stream of container starts and deaths, as ContainerEvents. The stream is
// opened again when it ends or fails (a daemon restart, a dropped ssh link), from the second of
// the last event seen; what that replays is dropped.
import type Docker from 'dockerode';
import type { ContainerEvent } from './engine.ts';

interface DockerEvent {
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano?: number;
}

function fromEvent(engine: string, e: DockerEvent): ContainerEvent {
  // Attributes are the container's labels plus name, image and (for die) exitCode.
  const { name = '', image: _image, exitCode, ...labels } = e.Actor.Attributes ?? {};
  return {
    action: e.Action === 'die' ? 'die' : 'start',
    id: e.Actor.ID,
    name,
    engine,
    labels,
    exitCode: exitCode !== undefined ? Number(exitCode) : null,
    time: e.timeNano ? Math.floor(e.timeNano / 1e6) : e.time * 1000,
  };
}

/** Reports start/die of containers matching `labelFilter` until the returned stop() is called. */
export function watchEvents(
  docker: Docker,
  engine: string,
  labelFilter: string[],
  onEvent: (e: ContainerEvent) => void,
  onError: (message: string, cause?: unknown) => void,
): () => void {
  let stopped = false;
  let current: { destroy?(): void } | undefined;
  let since = Math.floor(Date.now() / 1000);
  const seen = new Set<string>();
  const subscribe = async () => {
    try {
      const stream = await docker.getEvents({ since, filters: { type: ['container'], event: ['start', 'die'], label: labelFilter } });
      if (stopped) return (stream as unknown as { destroy(): void }).destroy();
      current = stream as unknown as { destroy?(): void };
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const event = fromEvent(engine, JSON.parse(line) as DockerEvent);
          const key = `${event.id}/${event.action}/${event.time}`;
          if (seen.has(key)) continue;
          seen.add(key);
          since = Math.floor(event.time / 1000);
          onEvent(event);
        }
      });
      const reconnect = (why: string) => {
        if (stopped) return;
        onError(`container event stream ${why}; reconnecting`);
        setTimeout(() => void subscribe(), 1000).unref();
      };
      stream.on('end', () => reconnect('ended'));
      stream.on('error', (e: Error) => reconnect(`failed (${e.message})`));
    } catch (e) {
      if (stopped) return;
      onError('cannot watch container events; retrying', e);
      setTimeout(() => void subscribe(), 2000).unref();
    }
  };
  void subscribe();
  return () => {
    stopped = true;
    current?.destroy?.();
  };
}
