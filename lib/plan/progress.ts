// How apply and destroy show progress: a bar redrawn in place on a terminal, one plain line
// per step otherwise (logs, CI, a test reading the output).

export interface Progress {
  /** A new phase with `total` steps. */
  begin(total: number, phase: string): void;
  /** One step done. */
  step(line: string): void;
  /** A line that is not a step (a wait, a warning). */
  note(line: string): void;
  /** Ends the bar's line, if any. */
  end(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

/** Plain lines: "[ 12/40] created Namespace demo-sno-1". */
export function plainProgress(stream: ProgressStream): Progress {
  let total = 0;
  let done = 0;
  return {
    begin(n, phase) { total = n; done = 0; stream.write(`${phase}: ${n} step${n === 1 ? '' : 's'}\n`); },
    step(line) { done++; stream.write(`[${String(done).padStart(String(total).length)}/${total}] ${line}\n`); },
    note(line) { stream.write(`${line}\n`); },
    end() {},
  };
}

/** A bar on one terminal line: "apply [#########.........] 120/400  created Secret …". */
export function barProgress(stream: ProgressStream): Progress {
  let total = 0;
  let done = 0;
  let phase = '';
  let drawn = false;
  const draw = (last: string) => {
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : width;
    const head = `${phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  `;
    const room = Math.max(0, (stream.columns ?? 100) - head.length - 1);
    stream.write(`\r\u001b[2K${head}${last.slice(0, room)}`);
    drawn = true;
  };
  return {
    begin(n, p) { total = n; done = 0; phase = p; draw(''); },
    step(line) { done++; draw(line); },
    note(line) { stream.write(`${drawn ? '\r\u001b[2K' : ''}${line}\n`); draw(''); },
    end() { if (drawn) stream.write('\n'); drawn = false; },
  };
}

export function progressFor(stream: ProgressStream): Progress {
  return stream.isTTY ? barProgress(stream) : plainProgress(stream);
}
