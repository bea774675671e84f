// Peak CPU and memory of the service, PostgreSQL and the fake hosts while a run goes on, read
// from the kernel every few seconds: a container's cgroup (v1 or v2, found through its init
// process) for the service and the agents, /proc for PostgreSQL's processes. Memory is what
// `docker stats` shows (usage less inactive file cache); for PostgreSQL the processes' PSS sum,
// so shared buffers count once. CPU is in cores, over the last interval.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLK_TCK = 100;

export interface Usage { cpuSeconds: number; memoryBytes: number }

function read(path: string): string | null {
  try { return readFileSync(path, 'utf8'); } catch { return null; }
}

function statField(text: string, key: string): number {
  return Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** CPU seconds used so far and memory now of the cgroup the process `pid` runs in. */
export function cgroupUsage(pid: number): Usage | null {
  const lines = read(`/proc/${pid}/cgroup`)?.trim().split('\n') ?? [];
  const v1 = (ctl: string) => lines.map((l) => l.split(':')).find((p) => p[1]!.split(',').includes(ctl))?.[2];
  const memoryV1 = v1('memory');
  if (memoryV1 !== undefined) {
    const usage = Number(read(join('/sys/fs/cgroup/memory', memoryV1, 'memory.usage_in_bytes')) ?? 0);
    const stat = read(join('/sys/fs/cgroup/memory', memoryV1, 'memory.stat')) ?? '';
    const cpu = Number(read(join('/sys/fs/cgroup/cpuacct', v1('cpuacct') ?? memoryV1, 'cpuacct.usage')) ?? 0) / 1e9;
    return { cpuSeconds: cpu, memoryBytes: usage - statField(stat, 'total_inactive_file') };
  }
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  if (v2 === undefined || !existsSync(join('/sys/fs/cgroup', v2))) return null;
  const dir = join('/sys/fs/cgroup', v2);
  const usage = Number(read(join(dir, 'memory.current')) ?? 0);
  return {
    cpuSeconds: statField(read(join(dir, 'cpu.stat')) ?? '', 'usage_usec') / 1e6,
    memoryBytes: usage - statField(read(join(dir, 'memory.stat')) ?? '', 'inactive_file'),
  };
}

/** CPU seconds so far and PSS now, summed over the processes whose command name is `comm`. */
export function processUsage(comm: string): Usage {
  let cpu = 0;
  let pss = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (read(`/proc/${pid}/comm`)?.trim() !== comm) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpu += (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
    pss += Number(/^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? 0) * 1024;
  }
  return { cpuSeconds: cpu, memoryBytes: pss };
}

export interface Peak { cpuCores: number; memoryBytes: number }

/** Keeps the peak of one subject over successive samples (CPU as the rate between two). */
export class PeakTracker {
  private last: { at: number; cpu: number } | null = null;
  readonly peak: Peak = { cpuCores: 0, memoryBytes: 0 };

  add(at: number, u: Usage | null) {
    if (!u) return;
    if (this.last && at > this.last.at) {
      this.peak.cpuCores = Math.max(this.peak.cpuCores, (u.cpuSeconds - this.last.cpu) / ((at - this.last.at) / 1000));
    }
    this.last = { at, cpu: u.cpuSeconds };
    this.peak.memoryBytes = Math.max(this.peak.memoryBytes, u.memoryBytes);
  }
}
