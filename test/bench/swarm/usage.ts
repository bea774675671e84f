// Peak CPU and memory of the service, PostgreSQL and the fake hosts while a run goes on, read
// from the kernel every few seconds: a container's cgroup (v1 or v2, found through its init
// process) for the service and the agents, /proc for PostgreSQL's processes. CPU is the cgroup's
// (or the processes') CPU time, in cores over the last interval. Memory is the PSS sum of the
// processes: what they resident-use, a page shared by N processes counted 1/N to each, so the
// agents' shared binaries and PostgreSQL's shared buffers count once. (A cgroup's own memory
// figure misses the service binary's file pages, charged to whoever read them first.)
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

/** PSS of one process, in bytes (0 when it is gone). */
function pss(pid: string | number): number {
  return Number(/^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? 0) * 1024;
}

/** CPU seconds used so far by the cgroup the process `pid` runs in, and the PSS sum of its processes now. */
export function cgroupUsage(pid: number): Usage | null {
  const lines = read(`/proc/${pid}/cgroup`)?.trim().split('\n') ?? [];
  const v1 = (ctl: string) => lines.map((l) => l.split(':')).find((p) => p[1]!.split(',').includes(ctl))?.[2];
  const cpuacct = v1('cpuacct');
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const dir = cpuacct !== undefined ? join('/sys/fs/cgroup/cpuacct', cpuacct) : v2 !== undefined ? join('/sys/fs/cgroup', v2) : null;
  if (!dir || !existsSync(dir)) return null;
  const cpuSeconds = cpuacct !== undefined
    ? Number(read(join(dir, 'cpuacct.usage')) ?? 0) / 1e9
    : statField(read(join(dir, 'cpu.stat')) ?? '', 'usage_usec') / 1e6;
  const pids = (read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
  return { cpuSeconds, memoryBytes: pids.reduce((sum, p) => sum + pss(p), 0) };
}

/** CPU seconds so far and PSS now, summed over the processes whose command name is `comm`. */
export function processUsage(comm: string): Usage {
  let cpu = 0;
  let memory = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (read(`/proc/${pid}/comm`)?.trim() !== comm) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpu += (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
    memory += pss(pid);
  }
  return { cpuSeconds: cpu, memoryBytes: memory };
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
