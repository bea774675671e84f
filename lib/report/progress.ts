// Live progress of a run: hosts and clusters per state and stage. On a terminal a block of
// bars redrawn in place (lines the runner logs appear above it); otherwise one line every
// runtime.progressSeconds, which reads well in CI logs. `swarm status` prints the same block.
import { countStates, formatTally, type Counts, type CountsInput } from './counts.ts';

const BAR_WIDTH = 30;

function bar(done: number, failed: number, total: number): string {
  if (!total) return `[${' '.repeat(BAR_WIDTH)}]`;
  const d = Math.round((done / total) * BAR_WIDTH);
  const f = Math.min(BAR_WIDTH - d, Math.round((failed / total) * BAR_WIDTH));
  return `[${'█'.repeat(d)}${'✗'.repeat(f)}${'░'.repeat(BAR_WIDTH - d - f)}]`;
}

/** The block: a bar and the states for hosts, for clusters, and the hosts' stages. */
export function renderCounts(c: Counts): string[] {
  return [
    `hosts    ${bar(c.hosts.installed, c.hosts.failed, c.hosts.total)} ${c.hosts.installed}/${c.hosts.total} installed, ${c.hosts.failed} failed`,
    `  states: ${formatTally(c.hosts.byState)}`,
    `  stages: ${formatTally(c.hosts.byStage)}`,
    `clusters ${bar(c.clusters.installed, c.clusters.failed, c.clusters.total)} ${c.clusters.installed}/${c.clusters.total} installed, ${c.clusters.failed} failed`,
    `  states: ${formatTally(c.clusters.byState)}`,
  ];
}

/** One line: for logs. */
export function countsLine(c: Counts, elapsedSeconds: number): string {
  return `[${elapsedSeconds.toFixed(0)} s] hosts ${c.hosts.installed}/${c.hosts.total} installed, ${c.hosts.failed} failed (${formatTally(c.hosts.byState)}) | ` +
    `clusters ${c.clusters.installed}/${c.clusters.total} installed, ${c.clusters.failed} failed (${formatTally(c.clusters.byState)})`;
}

export interface ProgressOptions {
  tty: boolean;
  intervalSeconds: number;
  write: (text: string) => void;
  now?: () => number;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private readonly started: number;
  private readonly now: () => number;

  constructor(private readonly source: () => CountsInput, private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  start(): void {
    const every = this.options.tty ? 500 : this.options.intervalSeconds * 1000;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
    if (this.options.tty) this.draw();
  }

  /** Prints a line above the live block (or just the line without a terminal). */
  log(line: string): void {
    if (!this.options.tty) return this.options.write(`${line}\n`);
    this.clear();
    this.options.write(`${line}\n`);
    if (this.timer) this.draw();
  }

  /** Stops; leaves the last block (or prints a last line). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.tty) this.draw();
    else this.tick();
    this.drawn = 0;
  }

  private tick(): void {
    if (this.options.tty) return this.draw();
    this.options.write(`${countsLine(countStates(this.source()), (this.now() - this.started) / 1000)}\n`);
  }

  private clear(): void {
    if (this.drawn) this.options.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.clear();
    const lines = renderCounts(countStates(this.source()));
    this.options.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
