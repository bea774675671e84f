// The machine as a whole, from /proc/stat: how busy its CPUs were between two readings, and how
// many processes were started (the kernel counts every fork since boot).
import { readFileSync } from 'node:fs';

export interface MachineReading {
  at: number;
  /** Jiffies busy and in all, over every CPU. */
  busy: number;
  total: number;
  /** Processes forked since boot. */
  forks: number;
}

export function readMachine(stat = readFileSync('/proc/stat', 'utf8'), at = Date.now()): MachineReading {
  const cpu = /^cpu\s+(.+)$/m.exec(stat)![1]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is in user already)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { at, busy, total: busy + idle + iowait, forks: Number(/^processes (\d+)$/m.exec(stat)![1]) };
}

/** Share of the machine's CPU busy between two readings (0..1), and process starts per second. */
export function machineBetween(a: MachineReading, b: MachineReading): { busy: number; forksPerSecond: number } {
  const seconds = (b.at - a.at) / 1000;
  return {
    busy: b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0,
    forksPerSecond: seconds > 0 ? (b.forks - a.forks) / seconds : 0,
  };
}
