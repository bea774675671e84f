// Test-only: a listener on the address every fake host's BMC has (lib/swarm/bare-metal.ts), to
// prove that nothing dials it: it counts the connections it gets. One test process at a time can
// hold the port: a second one waits for it.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { BMC_PORT } from '../../lib/swarm/bare-metal.ts';

export interface BmcSentinel {
  connections(): number;
  /** Each connection: when, and who (the dialling process as `ss -p` names it, while the socket is held open). */
  dials(): { at: string; from: string }[];
  close(): Promise<void>;
}

export async function bmcSentinel(waitMs = 10 * 60_000): Promise<BmcSentinel> {
  let connections = 0;
  const dials: { at: string; from: string }[] = [];
  const server: Server = createServer((socket) => {
    connections++;
    const at = new Date().toISOString();
    // The dialler's process, looked up by its port before the socket is closed.
    execFile('ss', ['-Htnp', 'state', 'established', `( sport = :${socket.remotePort} )`], { timeout: 5000 }, (err, out) => {
      dials.push({ at, from: err ? `port ${socket.remotePort}` : `port ${socket.remotePort}: ${out.trim() || 'no process found'}` });
      socket.destroy();
    });
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(BMC_PORT, '127.0.0.1', () => { server.off('error', reject); resolve(); });
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return { connections: () => connections, dials: () => [...dials], close: () => new Promise((r) => server.close(() => r())) };
}
