// CPU and memory of what a benchmark watches (the service, PostgreSQL, fake hosts, controllers),
// read from the kernel every few seconds: a container's cgroup (v1 or v2, found through its
// init process) and /proc for plain processes. Memory is the PSS sum of the processes: what they
// resident-use, a page shared by N processes counted 1/N to each, so the agents' shared binaries
// and PostgreSQL's shared buffers count once. (A cgroup's own memory figure misses the service
// binary's file pages, charged to whoever read them first.)
//
// CPU is a rate over the interval between two samples, made member by member (a container, a
// process), because members come and go between samples: a member seen in both samples adds
// what it used in between; one that started within the interval adds all it used; one that
// started before the interval but was not seen in the previous sample adds nothing (its share
// of the interval is unknown; counting its whole life made a benchmark print 3,798 cores on a
// 2-core machine). A member that ended within the interval is lost for it (an underestimate).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const CLK_TCK = 100;

/** One member (a container or a process) at one sample. */
export interface MemberUsage {
  /** CPU seconds it used since it (last) started. */
  cpuSeconds: number;
  memoryBytes: number;
  /** When it (last) started, ms since the epoch: a restart is a new life. */
  startedAt: number;
}

/** Members by key (container id, pid). */
export type Members = Map<string, MemberUsage>;

function read(path: string): string | null {
  try { return readFileSync(path, 'utf8'); } catch { return null; }
}

function statField(text: string, key: string): number {
  return Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** A line of a process's smaps_rollup (Pss, Rss), in bytes (0 when it is gone). */
function rollup(pid: string | number, key: 'Pss' | 'Rss'): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? 0) * 1024;
}

/** PSS of one process, in bytes (0 when it is gone). */
export function pss(pid: string | number): number {
  return rollup(pid, 'Pss');
}

/** RSS of one process, in bytes (0 when it is gone): its pages counted whole, shared or not. */
export function rss(pid: string | number): number {
  return rollup(pid, 'Rss');
}

/** The folder of the cgroup (cpu accounting) process `pid` runs in, or null. */
export function cgroupDir(pid: number): string | null {
  const lines = read(`/proc/${pid}/cgroup`)?.trim().split('\n') ?? [];
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1]!.split(',').includes('cpuacct'))?.[2];
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const dir = v1 !== undefined ? join('/sys/fs/cgroup/cpuacct', v1) : v2 !== undefined ? join('/sys/fs/cgroup', v2) : null;
  return dir && existsSync(dir) ? dir : null;
}

/**
 * CPU seconds the cgroup of `pid` used so far, the PSS sum of its processes (NaN without
 * `memory`: reading every process's smaps is most of a sample's cost), and how many there are;
 * null when gone.
 */
export function cgroupUsage(pid: number, memory = true): { cpuSeconds: number; memoryBytes: number; processes: number } | null {
  const dir = cgroupDir(pid);
  if (!dir) return null;
  const cpuSeconds = dir.startsWith('/sys/fs/cgroup/cpuacct')
    ? Number(read(join(dir, 'cpuacct.usage')) ?? 0) / 1e9
    : statField(read(join(dir, 'cpu.stat')) ?? '', 'usage_usec') / 1e6;
  const pids = (read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
  return { cpuSeconds, memoryBytes: memory ? pids.reduce((sum, p) => sum + pss(p), 0) : NaN, processes: pids.length };
}

let bootTime: number | undefined;
/** The machine's boot time, ms since the epoch (process start times count from it). */
function bootedAt(): number {
  return (bootTime ??= Number(/^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1] ?? 0) * 1000);
}

/** One process: CPU so far, PSS now, start time; null when it is gone. */
export function processMember(pid: string | number): MemberUsage | null {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, // utime, stime
    memoryBytes: pss(pid),
    startedAt: bootedAt() + (Number(fields[19]) / CLK_TCK) * 1000, // starttime
  };
}

/** One process by pid as the only member of a subject; null when there is no such process. */
export function pidMembers(pid: string | number | undefined): Members | null {
  const member = pid ? processMember(pid) : null;
  return member ? new Map([[String(pid), member]]) : null;
}

/** Each process whose command name is `comm`, by pid. */
export function processUsage(comm: string): Members {
  const out: Members = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (read(`/proc/${pid}/comm`)?.trim() !== comm) continue;
    const member = processMember(pid);
    if (member) out.set(pid, member);
  }
  return out;
}

export interface Peak { cpuCores: number; memoryBytes: number }

/** Calls `sample` every `ms` (less the sample's own time) until `stop()`, which resolves after the last one. */
export function sampleEvery(ms: number, sample: (at: number) => Promise<void>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      await sample(at);
      await new Promise((r) => setTimeout(r, Math.max(0, ms - (Date.now() - at))));
    }
  })();
  return { stop: async () => { running = false; await loop; } };
}

/** One subject's usage over successive samples: CPU rate per interval, memory per sample. */
export class UsageSeries {
  private last: { at: number; members: Members } | null = null;
  private cpuSecondsTotal = 0;
  private secondsTotal = 0;
  private memorySum = 0;
  private samples = 0;
  readonly peak: Peak = { cpuCores: 0, memoryBytes: 0 };
  /** Every interval's rate: [end ms, cores]. */
  readonly rates: [number, number][] = [];

  /** A sample; `members` null when the subject could not be read (the next interval starts afresh). */
  add(at: number, members: Members | null): void {
    if (!members) {
      this.last = null;
      return;
    }
    // A sample may leave memory out (NaN): it then counts for CPU only.
    const memory = [...members.values()].reduce((n, m) => n + m.memoryBytes, 0);
    if (!Number.isNaN(memory)) {
      this.peak.memoryBytes = Math.max(this.peak.memoryBytes, memory);
      this.memorySum += memory;
      this.samples++;
    }
    if (this.last && at > this.last.at) {
      const used = intervalCpu(this.last, members);
      const cores = used / ((at - this.last.at) / 1000);
      this.rates.push([at, cores]);
      this.peak.cpuCores = Math.max(this.peak.cpuCores, cores);
      this.cpuSecondsTotal += used;
      this.secondsTotal += (at - this.last.at) / 1000;
    }
    this.last = { at, members };
  }

  /** Mean CPU over the intervals measured, mean memory over the samples. */
  get mean(): Peak {
    return {
      cpuCores: this.secondsTotal ? this.cpuSecondsTotal / this.secondsTotal : 0,
      memoryBytes: this.samples ? this.memorySum / this.samples : 0,
    };
  }
}

/** CPU seconds the members used between the previous sample and now (see the header). */
function intervalCpu(previous: { at: number; members: Members }, now: Members): number {
  let used = 0;
  for (const [key, m] of now) {
    const before = previous.members.get(key);
    if (before && before.startedAt === m.startedAt) used += Math.max(0, m.cpuSeconds - before.cpuSeconds);
    else if (m.startedAt >= previous.at) used += m.cpuSeconds;
  }
  return used;
}

/** What a container sample needs of a container: its id (and a way to find its init process). */
export interface ContainerRef { id: string }

/**
 * Usage of containers as members: each container's cgroup through its init process. Inspections
 * are cached per container and redone when its process is gone (a restart gives a new one).
 */
export class ContainerUsage {
  private readonly known = new Map<string, { pid: number; startedAt: number }>();
  constructor(private readonly inspect: (id: string) => Promise<{ pid: number; startedAt: number } | null>) {}

  async members(containers: ContainerRef[], memory = true): Promise<Members> {
    const out: Members = new Map();
    await Promise.all(containers.map(async ({ id }) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        let info = this.known.get(id);
        if (!info || attempt > 0) {
          const found = await this.inspect(id).catch(() => null);
          if (!found || !found.pid) return;
          this.known.set(id, (info = found));
        }
        const u = cgroupUsage(info.pid, memory);
        if (u) return void out.set(id, { cpuSeconds: u.cpuSeconds, memoryBytes: u.memoryBytes, startedAt: info.startedAt });
      }
    }));
    return out;
  }
}

/** A ContainerUsage on a dockerode client. */
export function dockerUsage(docker: { getContainer(id: string): { inspect(): Promise<{ State: { Pid: number; StartedAt: string } }> } }): ContainerUsage {
  return new ContainerUsage(async (id) => {
    const { State } = await docker.getContainer(id).inspect();
    return { pid: State.Pid, startedAt: Date.parse(State.StartedAt) };
  });
}
